package provider_test

import (
	"fmt"
	"os"
	"strings"
	"testing"

	"github.com/waikato-ufdl/terraform-provider-ufdl/internal/acctest"
)

// manyImagesConfig renders n images with count; every image's url ends in urlSuffix.
func manyImagesConfig(prefix string, n int, extraProvider string, framework int64) string {
	return fmt.Sprintf(`terraform {
  required_providers {
    ufdl = { source = "waikato-ufdl/ufdl" }
  }
}
provider "ufdl" {
  %s
}
resource "ufdl_dockerimage" "many" {
  count                   = %d
  name                    = "%s-${count.index}"
  version                 = "v1"
  url                     = "registry.example.com:443/team/img-${count.index}:v1"
  registry_url            = "registry.example.com:443"
  cuda_version            = "11.1"
  framework               = %d
  domain                  = "od"
  tasks                   = ["Train", "Predict"]
  min_hardware_generation = "Pascal"
  licence                 = "MIT"
}
`, extraProvider, n, prefix, framework)
}

// TestAccBatchedRefresh runs real terraform plans over 30 images and counts what the
// server saw: refreshes share list calls, and drift, deletion and fresh changes are all seen.
func TestAccBatchedRefresh(t *testing.T) {
	if os.Getenv("TF_ACC") == "" {
		t.Skip("acceptance test: set TF_ACC=1")
	}
	t.Parallel()
	srv := acctest.NewServer(t)
	const n = 30
	prefix := acctest.Name("batch")
	srv.RemoveAtEnd(t, prefix)
	w := acctest.NewWorkdir(t, manyImagesConfig(prefix, n, "", yoloV7(t, srv)))
	env := []string{"UFDL_HOST=" + srv.URL, "UFDL_USERNAME=" + srv.AdminUser, "UFDL_PASSWORD=" + srv.AdminPassword}
	plan := func(wantExit int) string {
		t.Helper()
		srv.ResetCalls()
		out, err := w.RunEnv(env, "plan", "-detailed-exitcode", "-no-color")
		exit := 0
		if err != nil {
			exit = -1
			if ee, ok := err.(interface{ ExitCode() int }); ok {
				exit = ee.ExitCode()
			}
		}
		if exit != wantExit {
			t.Fatalf("plan exit code %d, want %d:\n%s", exit, wantExit, out)
		}
		if gets := srv.Calls("GET /v1/docker/{pk}"); gets != 0 {
			t.Errorf("plan made %d GETs of images; refreshes should be served by list calls", gets)
		}
		if lists := srv.Calls("POST /v1/docker/list"); lists < 1 || lists > 2 {
			t.Errorf("plan of %d images made %d list calls, want 1 or 2", n, lists)
		}
		return out
	}
	pkOf := func(i int) int64 {
		t.Helper()
		images, err := srv.ImagesNamed(fmt.Sprintf("%s-%d", prefix, i))
		if err != nil {
			t.Fatal(err)
		}
		for _, img := range images {
			if img["name"] == fmt.Sprintf("%s-%d", prefix, i) {
				return acctest.PK(img)
			}
		}
		t.Fatalf("image %d not on the server", i)
		return 0
	}

	if out, err := w.RunEnv(env, "apply", "-auto-approve", "-no-color"); err != nil {
		t.Fatalf("apply: %v\n%s", err, out)
	}
	if got := srv.CountImagesNamed(t, prefix); got != n {
		t.Fatalf("server holds %d images after apply, want %d", got, n)
	}
	// The plan-time name checks of all creates share one catalog list per provider process
	// (terraform apply runs one for planning and one for applying).
	if lists, creates := srv.Calls("POST /v1/docker/list"), srv.Calls("POST /v1/docker/create"); lists > 2 || creates != n {
		t.Errorf("apply of %d images: %d list calls and %d creates, want at most 2 and %d", n, lists, creates, n)
	}

	plan(0) // right after apply: empty
	// The whole plan costs a constant: one login, the image lists and one list of each of the
	// six lookup tables, however many images there are; each call at most once per route.
	total := 0
	for route, c := range srv.CallCounts() {
		total += c
		if c > 1 && route != "POST /v1/docker/list" {
			t.Errorf("empty plan called %s %d times, want once", route, c)
		}
	}
	if total > 9 {
		t.Errorf("empty plan of %d images made %d API calls, want at most 9: %v", n, total, srv.CallCounts())
	}

	if err := srv.PatchImage(pkOf(7), map[string]any{"url": "drift.example.com/x:1"}); err != nil {
		t.Fatal(err)
	}
	out := plan(2)
	if !strings.Contains(out, "ufdl_dockerimage.many[7] will be updated in-place") ||
		!strings.Contains(out, `"drift.example.com/x:1" -> "registry.example.com:443/team/img-7:v1"`) ||
		!strings.Contains(out, "0 to add, 1 to change, 0 to destroy") {
		t.Errorf("plan does not show exactly the drift of image 7:\n%s", out)
	}

	// Changed again between two plans: the second plan reads it fresh.
	if err := srv.PatchImage(pkOf(7), map[string]any{"url": "drift2.example.com/x:2"}); err != nil {
		t.Fatal(err)
	}
	if out := plan(2); !strings.Contains(out, `"drift2.example.com/x:2" -> "registry.example.com:443/team/img-7:v1"`) {
		t.Errorf("second plan does not show the newer value:\n%s", out)
	}

	if err := srv.DeleteImage(pkOf(12)); err != nil {
		t.Fatal(err)
	}
	out = plan(2)
	if !strings.Contains(out, "ufdl_dockerimage.many[12] will be created") || !strings.Contains(out, "1 to add, 1 to change, 0 to destroy") {
		t.Errorf("plan does not recreate the deleted image 12 and fix image 7:\n%s", out)
	}

	// Without batching, the same plan reads each image with its own GET.
	srv.ResetCalls()
	out, err := w.RunEnv(append(env, "UFDL_BATCH_READS=false"), "plan", "-detailed-exitcode", "-no-color")
	if err == nil || !strings.Contains(out, "1 to add, 1 to change, 0 to destroy") {
		t.Errorf("unbatched plan differs:\n%s", out)
	}
	// Its one list call is the name check of the image planned for creation.
	if gets, lists := srv.Calls("GET /v1/docker/{pk}"), srv.Calls("POST /v1/docker/list"); gets != n || lists != 1 {
		t.Errorf("unbatched plan: %d GETs and %d lists, want %d and 1", gets, lists, n)
	}
}
