// Copyright (c) The terraform-provider-ufdl authors
// SPDX-License-Identifier: Apache-2.0

package refserver

import (
	"errors"
	"fmt"
	"io"
	"time"
)

// Profile selects which API the server reproduces.
type Profile string

const (
	// ProfileDocumented is the API as documented (the default).
	ProfileDocumented Profile = "documented"
	// ProfileUFDLBackend answers every call as the real UFDL backend does,
	// including where it departs from the documentation (see profile.go);
	// internal/conformance checks it against the backend's recorded answers.
	ProfileUFDLBackend Profile = "ufdl-backend"
)

// Options configure a Server. The zero value is usable.
type Options struct {
	AdminUser, AdminPassword string // defaults "admin" and a generated password
	User, Password           string // defaults "user" and a generated password
	SigningKey               []byte // nil: random per start

	AccessLifetime  time.Duration // default 5m
	RefreshLifetime time.Duration // default 24h (profile ufdl-backend: 8h)

	Samples bool    // load the 23 catalog images of a new deployment (seed/docker_images)
	Profile Profile // default ProfileDocumented

	Latency time.Duration // added to every request (emulates a slow backend)
	Serial  bool          // handle one request at a time (emulates the real backend)

	MaxBodyBytes int64     // default 1 MiB
	Log          io.Writer // one line per request "METHOD /path status duration"; nil = silent

	// RecordLimit caps how many requests Requests() keeps (the oldest are
	// dropped first); 0 keeps all. Long-running processes and benchmarks set it
	// so that recording does not grow without bound.
	RecordLimit int
}

const (
	defaultAccessLifetime        = 5 * time.Minute
	defaultRefreshLifetime       = 24 * time.Hour
	backendRefreshLifetime       = 8 * time.Hour
	defaultMaxBodyBytes    int64 = 1 << 20
)

// normalise fills in defaults and rejects contradictory options.
func (o Options) normalise() (Options, error) {
	switch o.Profile {
	case "":
		o.Profile = ProfileDocumented
	case ProfileDocumented, ProfileUFDLBackend:
	default:
		return o, fmt.Errorf("refserver: unknown profile %q (want %q or %q)", o.Profile, ProfileDocumented, ProfileUFDLBackend)
	}
	if o.AdminUser == "" {
		o.AdminUser = "admin"
	}
	if o.User == "" {
		o.User = "user"
	}
	if o.AdminUser == o.User {
		return o, errors.New("refserver: the admin user and the ordinary user need different names")
	}
	if o.AccessLifetime < 0 || o.RefreshLifetime < 0 || o.Latency < 0 || o.MaxBodyBytes < 0 || o.RecordLimit < 0 {
		return o, errors.New("refserver: lifetimes, latency, body limit and record limit must not be negative")
	}
	if o.AccessLifetime == 0 {
		o.AccessLifetime = defaultAccessLifetime
	}
	if o.RefreshLifetime == 0 {
		o.RefreshLifetime = defaultRefreshLifetime
		if o.Profile == ProfileUFDLBackend {
			o.RefreshLifetime = backendRefreshLifetime
		}
	}
	if o.MaxBodyBytes == 0 {
		o.MaxBodyBytes = defaultMaxBodyBytes
	}
	return o, nil
}
