// Copyright (c) The terraform-provider-ufdl authors
// SPDX-License-Identifier: Apache-2.0

package registry

import (
	"fmt"
	"net"
)

// Severity says whether a finding stops a plan.
type Severity int

const (
	// Warning: the entry can still be pulled, or may be; the user should know.
	Warning Severity = iota
	// Error: every job of the entry would fail on its worker.
	Error
)

// Finding is one thing wrong with a catalog entry, on the entry's field Field (a UFDL API
// field name: "url", "registry_url", "registry_username").
type Finding struct {
	Severity        Severity
	Field           string
	Summary, Detail string
}

// launcherNote explains, once per message, what every finding is measured against.
const launcherNote = "UFDL's job launcher runs, for every job, `docker login -u <registry_username> --password-stdin <registry_url>` when a username is set, then `docker pull <url>`."

// CheckEntry checks the fields of a catalog entry against each other, without any network:
// that url is an image reference Docker can pull, that it is on the registry the launcher
// logs in to, and that it says which build to pull. hasUsername tells whether the entry has
// a registry_username. An empty registryURL is not checked.
func CheckEntry(url, registryURL string, hasUsername bool) []Finding {
	ref, err := ParseReference(url)
	if err != nil {
		return []Finding{{
			Severity: Error, Field: "url", Summary: "Invalid Image Reference",
			Detail: fmt.Sprintf("url = %q cannot be pulled: %s. Workers run `docker pull <url>`, which takes host[:port]/path[:tag][@digest], e.g. registry.example.com:443/team/image:tag.",
				url, err),
		}}
	}
	var out []Finding
	if registryURL != "" {
		if f, ok := checkSameRegistry(ref, registryURL, hasUsername); ok {
			out = append(out, f)
		}
	}
	if ref.Tag == "" && ref.Digest == "" {
		out = append(out, Finding{
			Severity: Warning, Field: "url", Summary: "Image Without Tag",
			Detail: fmt.Sprintf("url = %q has neither a tag nor a digest, so every worker pulls %s:latest, whatever build that is on the day of the job: "+
				"two jobs of this catalog entry can run different images. Write the tag (%s:<tag>) or pin a digest (see the ufdl_image_digest data source and provider::ufdl::pin_image).",
				url, url, url),
		})
	}
	return out
}

// checkSameRegistry compares the registry url pulls from with the one the launcher logs in to.
func checkSameRegistry(ref Reference, registryURL string, hasUsername bool) (Finding, bool) {
	pull, login := RegistryHost(ref.Registry()), RegistryHost(registryURL)
	if pull == login {
		return Finding{}, false
	}
	why := ""
	if hostOnly(pull) == hostOnly(login) {
		why = fmt.Sprintf(" The two differ only in the port: Docker keeps credentials per host:port, so %s and %s are different registries to it.", pull, login)
	}
	fix := fmt.Sprintf("Set registry_url = %q (the host[:port] url starts with), or correct url.", ref.Registry())
	if !hasUsername {
		return Finding{
			Severity: Warning, Field: "registry_url", Summary: "Image Not On The Registry Of registry_url",
			Detail: fmt.Sprintf("url = %q is pulled from %s, but registry_url = %q names %s.%s Without registry_username the launcher does not log in, so the pull "+
				"does not depend on it, but the entry says something untrue about where its image lives. %s", ref.String(), pull, registryURL, login, why, fix),
		}, true
	}
	return Finding{
		Severity: Error, Field: "registry_url", Summary: "Image Not On The Login Registry",
		Detail: fmt.Sprintf("url = %q is pulled from %s, but registry_url = %q names %s. %s So the login is made to one registry and the pull to another: "+
			"the pull runs without this entry's credentials, and the credentials go to a host the image is not on.%s %s",
			ref.String(), pull, registryURL, login, launcherNote, why, fix),
	}, true
}

// MissingPassword is the finding for an entry that will hold a registry_username but no
// password on the server.
func MissingPassword(username, registryURL string) Finding {
	return Finding{
		Severity: Error, Field: "registry_username", Summary: "Registry Username Without Password",
		Detail: fmt.Sprintf("registry_username = %q is set, but the server would hold no registry password for this image. %s "+
			"With no password that login fails, and so does every job of the image, before its pull (docker login -u %s %s). "+
			"Set registry_password (or registry_password_wo with registry_password_wo_version), or remove registry_username if the registry allows anonymous pulls.",
			username, launcherNote, username, registryURL),
	}
}

// hostOnly is a host[:port] without its port.
func hostOnly(hostPort string) string {
	if h, _, err := net.SplitHostPort(hostPort); err == nil {
		return h
	}
	return hostPort
}
