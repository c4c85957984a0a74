// Copyright (c) The terraform-provider-ufdl authors
// SPDX-License-Identifier: Apache-2.0

// Package refserver is the reference server of the UFDL docker-image catalog:
// an in-memory implementation of the documented API (authentication, docker
// images, CUDA versions, frameworks, hardware generations, licences, job
// contracts and domains) with the validation, permissions, error shapes and
// filter language of the real backend.
//
// It is written from the API documentation and held to the real backend's
// recorded answers by the conformance corpus (internal/conformance), and it
// imports neither the provider nor its API client, so that a misreading on one
// side is caught by the other.
//
// A Server is an http.Handler. Tests start it with httptest.NewServer and use
// the Go-only hooks (references, faults, call counters, direct data access);
// users start it with the ufdl-refserver command.
package refserver
