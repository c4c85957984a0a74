// Copyright (c) The terraform-provider-ufdl authors
// SPDX-License-Identifier: Apache-2.0

package registrytest

import (
	"github.com/google/go-containerregistry/pkg/authn"
	"github.com/google/go-containerregistry/pkg/name"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/empty"
	"github.com/google/go-containerregistry/pkg/v1/mutate"
	"github.com/google/go-containerregistry/pkg/v1/random"
	"github.com/google/go-containerregistry/pkg/v1/remote"
	"github.com/google/go-containerregistry/pkg/v1/types"
)

// Kind is the manifest type of a pushed test image.
type Kind int

const (
	// DockerImage is a Docker image manifest (schema 2), what `docker push` writes.
	DockerImage Kind = iota
	// OCIImage is an OCI image manifest.
	OCIImage
	// DockerList is a Docker manifest list of two images.
	DockerList
	// OCIIndex is an OCI image index of two images.
	OCIIndex
)

// Push writes a tiny random image of kind k to host/repo:tag (with user and password when
// user is not "") and returns its manifest digest. Each call pushes a new image, so pushing
// to a tag again moves it.
func Push(t TB, host, repoTag string, k Kind, user, password string) string {
	t.Helper()
	ref, err := name.ParseReference(host+"/"+repoTag, name.StrictValidation)
	if err != nil {
		t.Fatalf("registrytest.Push: %v", err)
	}
	auth := authn.Anonymous
	if user != "" {
		auth = &authn.Basic{Username: user, Password: password}
	}
	var d v1.Hash
	switch k {
	case DockerImage, OCIImage:
		img := randomImage(t, k == OCIImage)
		err = remote.Write(ref, img, remote.WithAuth(auth))
		if err == nil {
			d, err = img.Digest()
		}
	default:
		idx := mutate.IndexMediaType(empty.Index, types.DockerManifestList)
		if k == OCIIndex {
			idx = mutate.IndexMediaType(empty.Index, types.OCIImageIndex)
		}
		for _, arch := range []string{"amd64", "arm64"} {
			idx = mutate.AppendManifests(idx, mutate.IndexAddendum{
				Add:        randomImage(t, k == OCIIndex),
				Descriptor: v1.Descriptor{Platform: &v1.Platform{OS: "linux", Architecture: arch}},
			})
		}
		err = remote.WriteIndex(ref, idx, remote.WithAuth(auth))
		if err == nil {
			d, err = idx.Digest()
		}
	}
	if err != nil {
		t.Fatalf("registrytest.Push %s: %v", ref, err)
	}
	return d.String()
}

func randomImage(t TB, oci bool) v1.Image {
	t.Helper()
	img, err := random.Image(256, 1)
	if err != nil {
		t.Fatalf("registrytest: random image: %v", err)
	}
	if oci {
		img = mutate.ConfigMediaType(mutate.MediaType(img, types.OCIManifestSchema1), types.OCIConfigJSON)
	}
	return img
}
