// Copyright (c) The terraform-provider-ufdl authors
// SPDX-License-Identifier: Apache-2.0

// Package registry checks, the way a UFDL worker node pulls them, that the images of a
// docker-image catalog exist: it parses image references by Docker's grammar, checks a
// catalog entry's fields against each other without any network, and asks registries for
// manifests through go-containerregistry, which speaks the distribution protocol and its
// Basic and Bearer token challenges. It knows nothing about Terraform.
package registry

import (
	"fmt"
	"net"
	"regexp"
	"strconv"
	"strings"
)

// DockerHub is the registry of references that name none, as Docker resolves them.
const DockerHub = "docker.io"

// Reference is an image reference split into its parts, as `docker pull` reads it:
// [host[:port]/]path[:tag][@digest].
type Reference struct {
	// Domain is the registry as written ("" when the reference names none, so Docker Hub).
	Domain string
	// Path is the repository path as written, e.g. "waikatodatamining/pytorch-yolov7".
	Path string
	// Tag and Digest are "" when absent.
	Tag, Digest string
}

// Docker's reference grammar (the distribution project's reference package documents it).
var (
	domainComponent = `(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])`
	hostPattern     = regexp.MustCompile(`^(?:` + domainComponent + `(?:\.` + domainComponent + `)*|\[[0-9A-Fa-f:.]+\])(?::([0-9]+))?$`)
	pathComponent   = regexp.MustCompile(`^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$`)
	tagPattern      = regexp.MustCompile(`^[\w][\w.-]{0,127}$`)
	digestPattern   = regexp.MustCompile(`^[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,}$`)
)

// digestHexLen is the hex length of each digest algorithm Docker pulls by.
var digestHexLen = map[string]int{"sha256": 64, "sha384": 96, "sha512": 128}

// maxNameLength is Docker's limit on domain plus path.
const maxNameLength = 255

// ParseReference splits s by Docker's grammar. Its errors say what is wrong with s in words
// a catalog maintainer can act on; `docker pull` would refuse every one of them.
func ParseReference(s string) (Reference, error) {
	var r Reference
	if s == "" {
		return r, fmt.Errorf("it is empty")
	}
	if strings.ContainsFunc(s, func(c rune) bool { return c <= ' ' || c == 0x7f }) {
		return r, fmt.Errorf("it contains white space or control characters")
	}
	if i := strings.Index(s, "://"); i >= 0 {
		return r, fmt.Errorf("it starts with a scheme (%s://): docker pull takes host[:port]/path[:tag], without one", s[:i])
	}
	rest := s
	if at := strings.LastIndex(rest, "@"); at >= 0 {
		r.Digest = rest[at+1:]
		rest = rest[:at]
		if err := checkDigest(r.Digest); err != nil {
			return Reference{}, err
		}
	}
	if colon := strings.LastIndex(rest, ":"); colon > strings.LastIndex(rest, "/") {
		r.Tag = rest[colon+1:]
		rest = rest[:colon]
		if !tagPattern.MatchString(r.Tag) {
			return Reference{}, fmt.Errorf("tag %q is not valid: a tag is 1 to 128 letters, digits, '_', '.' or '-', and does not start with '.' or '-'", r.Tag)
		}
	}
	if len(rest) > maxNameLength {
		return Reference{}, fmt.Errorf("the name before the tag is %d characters, more than Docker's %d", len(rest), maxNameLength)
	}
	if first, remainder, ok := strings.Cut(rest, "/"); ok && isDomain(first) {
		r.Domain, r.Path = first, remainder
		if err := checkDomain(first); err != nil {
			return Reference{}, err
		}
	} else {
		r.Path = rest
	}
	if r.Path == "" {
		return Reference{}, fmt.Errorf("it names no repository after the registry host")
	}
	for _, c := range strings.Split(r.Path, "/") {
		if pathComponent.MatchString(c) {
			continue
		}
		if strings.ToLower(c) != c && pathComponent.MatchString(strings.ToLower(c)) {
			return Reference{}, fmt.Errorf("repository %q must be lower case", r.Path)
		}
		if c == "" {
			return Reference{}, fmt.Errorf("repository %q has an empty path component (two '/' in a row, or one at an end)", r.Path)
		}
		return Reference{}, fmt.Errorf("repository path component %q is not valid: components are lower-case letters and digits, separated by '.', '_', '__' or dashes", c)
	}
	return r, nil
}

// isDomain is Docker's rule for whether the first component of a name is a registry host.
func isDomain(first string) bool {
	return strings.ContainsAny(first, ".:") || first == "localhost" || strings.ToLower(first) != first
}

func checkDomain(d string) error {
	m := hostPattern.FindStringSubmatch(d)
	if m == nil {
		return fmt.Errorf("registry host %q is not a host name or address with an optional port", d)
	}
	if strings.HasPrefix(d, "[") {
		host, _, err := net.SplitHostPort(d)
		if err != nil {
			host = strings.Trim(d, "[]")
		}
		if net.ParseIP(host) == nil {
			return fmt.Errorf("registry host %q is not a valid IPv6 address", d)
		}
	}
	if m[1] != "" {
		if p, err := strconv.Atoi(m[1]); err != nil || p < 1 || p > 65535 {
			return fmt.Errorf("port %s of registry host %q is not between 1 and 65535", m[1], d)
		}
	}
	return nil
}

func checkDigest(d string) error {
	if !digestPattern.MatchString(d) {
		return fmt.Errorf("digest %q is not of the form algorithm:hex, e.g. sha256:<64 hex digits>", d)
	}
	algo, hex, _ := strings.Cut(d, ":")
	n, ok := digestHexLen[algo]
	switch {
	case !ok:
		return fmt.Errorf("digest algorithm %q is not one Docker pulls by (sha256, sha384, sha512)", algo)
	case len(hex) != n:
		return fmt.Errorf("a %s digest has %d hex digits; %q has %d", algo, n, d, len(hex))
	case strings.ToLower(hex) != hex:
		return fmt.Errorf("digest %q must be lower case", d)
	}
	return nil
}

// Name is the reference without tag and digest, as written.
func (r Reference) Name() string {
	if r.Domain == "" {
		return r.Path
	}
	return r.Domain + "/" + r.Path
}

// String is the reference as written.
func (r Reference) String() string {
	s := r.Name()
	if r.Tag != "" {
		s += ":" + r.Tag
	}
	if r.Digest != "" {
		s += "@" + r.Digest
	}
	return s
}

// Registry is the registry the reference is pulled from: its domain, or Docker Hub.
func (r Reference) Registry() string {
	if r.Domain == "" {
		return DockerHub
	}
	return r.Domain
}

// Repository is the repository path on the registry; Docker Hub's official images, written
// with one component ("ubuntu"), live under "library/".
func (r Reference) Repository() string {
	if r.Domain == "" && !strings.Contains(r.Path, "/") {
		return "library/" + r.Path
	}
	return r.Path
}

// Identifier is what Docker asks the registry for: the digest when there is one (a tag
// beside it is ignored), else the tag, else "latest".
func (r Reference) Identifier() string {
	switch {
	case r.Digest != "":
		return r.Digest
	case r.Tag != "":
		return r.Tag
	}
	return "latest"
}

// Pin returns the reference pinned to digest: its name and tag as written, then @digest,
// replacing a digest it already has.
func (r Reference) Pin(digest string) (string, error) {
	if err := checkDigest(digest); err != nil {
		return "", err
	}
	r.Digest = digest
	return r.String(), nil
}

// dockerHubAliases are the names under which Docker logs in to and pulls from Docker Hub.
var dockerHubAliases = map[string]bool{
	DockerHub: true, "index.docker.io": true, "registry-1.docker.io": true, "registry.hub.docker.com": true,
}

// RegistryHost turns a registry address as the catalog writes it (optional scheme, host,
// optional port, optional path such as "/v1/") into the host[:port] that `docker login`
// stores credentials under, Docker Hub's aliases folded into DockerHub.
func RegistryHost(registryURL string) string {
	s := registryURL
	if i := strings.Index(s, "://"); i >= 0 {
		s = s[i+3:]
	}
	if i := strings.Index(s, "/"); i >= 0 {
		s = s[:i]
	}
	s = strings.ToLower(s)
	if dockerHubAliases[s] {
		return DockerHub
	}
	return s
}
