package provider_test

import (
	"strings"
	"testing"

	"github.com/waikato-ufdl/terraform-provider-ufdl/internal/acctest"
)

// imageBody is the request-form body of a GPU image of yolo v7 that another client of srv
// makes (srv.CreateImage): pulled from url, from the registry url names, without a login.
func imageBody(t *testing.T, srv *acctest.Server, name, version, url string, tasks ...string) map[string]any {
	t.Helper()
	registry, _, _ := strings.Cut(url, "/")
	return map[string]any{
		"name": name, "version": version, "url": url, "registry_url": registry,
		"registry_username": nil, "registry_password": nil, "cuda_version": "11.1", "framework": yoloV7(t, srv), "domain": "od",
		"tasks": tasks, "min_hardware_generation": "Pascal", "cpu": false, "licence": "MIT",
	}
}
