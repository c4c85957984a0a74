// Copyright (c) The terraform-provider-ufdl authors
// SPDX-License-Identifier: Apache-2.0

package registry

import (
	"cmp"
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"net"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/google/go-containerregistry/pkg/v1/remote/transport"
)

// Kind is what went wrong when a registry was asked for an image.
type Kind int

// The kinds of Problem. Each one's message says what a worker would hit and what to change.
const (
	KindOther Kind = iota
	KindNotFound
	KindRepositoryNotFound
	KindCredentialsRefused
	KindLoginRequired
	KindDenied
	KindRateLimited
	KindUnreachable
	KindTLS
	KindNotRegistry
	KindServerError
)

// Problem is why an image could not be confirmed. Its Detail names the reference, the
// registry and the registry user, never a password or token.
type Problem struct {
	Kind            Kind
	Summary, Detail string
}

func (p *Problem) Error() string { return p.Detail }

type stage int

const (
	stageLogin stage = iota
	stageManifest
)

// operation is what the checker was doing, for the messages.
type operation struct {
	ref     Reference
	user    string
	stage   stage
	timeout time.Duration
}

func (op operation) who() string {
	if op.user == "" {
		return "an anonymous pull"
	}
	return fmt.Sprintf("registry user %q", op.user)
}

func (op operation) problem(k Kind, summary, format string, args ...any) *Problem {
	return &Problem{Kind: k, Summary: summary, Detail: fmt.Sprintf(format, args...)}
}

func (op operation) other(err error) *Problem {
	return op.problem(KindOther, "Registry Check Failed", "Checking %s with the registry %s failed: %s.",
		op.ref, op.ref.Registry(), strings.TrimSuffix(err.Error(), "."))
}

func (op operation) notRegistryAnswer(contentType string) *Problem {
	what := "a " + contentType + " document"
	if strings.HasPrefix(contentType, "text/html") {
		what = "a web page (" + contentType + ")"
	}
	return op.problem(KindNotRegistry, "Not A Container Registry",
		"%s answered the manifest request for %s with %s, not an image manifest: it is not a container registry API. Check the host and port of url.",
		op.ref.Registry(), op.ref, what)
}

// classify turns an error of the library or the network into a Problem, using what the
// trace saw on the wire.
func (op operation) classify(err error, tr *trace) *Problem {
	last, timedOut := tr.snapshot()
	reg := op.ref.Registry()
	var (
		cve *tls.CertificateVerificationError
		uae x509.UnknownAuthorityError
		hne x509.HostnameError
		cie x509.CertificateInvalidError
		rhe tls.RecordHeaderError
		te  *transport.Error
		dns *net.DNSError
		ope *net.OpError
		ne  net.Error
	)
	switch {
	case timedOut:
		return op.unreachable(fmt.Sprintf("no answer within %s", op.timeoutText()))
	case errors.As(err, &cve), errors.As(err, &uae), errors.As(err, &hne), errors.As(err, &cie):
		return op.problem(KindTLS, "Registry TLS Failure",
			"The TLS connection to the registry %s failed: %s. Docker on the workers refuses the same certificate unless they trust its CA "+
				"(/etc/docker/certs.d/%s/ca.crt); the check trusts the system's CAs and those in SSL_CERT_FILE.", reg, tlsCause(err), reg)
	case errors.As(err, &te):
		return op.httpProblem(te, last)
	case errors.Is(err, http.ErrSchemeMismatch), errors.As(err, &rhe), errors.Is(err, errPlainHTTP):
		return op.problem(KindTLS, "Registry TLS Failure",
			"The registry %s speaks plain HTTP, not HTTPS. Docker pulls over HTTP only from registries in the daemon's insecure-registries list "+
				"(and from 127.0.0.0/8); serve the registry over HTTPS.", reg)
	case errors.Is(err, context.Canceled):
		return op.problem(KindOther, "Registry Check Interrupted", "Checking %s was interrupted before the registry %s answered.", op.ref, reg)
	case errors.As(err, &dns):
		return op.unreachable(fmt.Sprintf("the host name %s does not resolve", dns.Name))
	case errors.As(err, &ope):
		return op.unreachable(ope.Err.Error())
	case errors.As(err, &ne):
		return op.unreachable(ne.Error())
	}
	return op.other(err)
}

func (op operation) timeoutText() string {
	if op.timeout <= 0 {
		return "the request timeout"
	}
	return op.timeout.String()
}

func (op operation) unreachable(cause string) *Problem {
	return op.problem(KindUnreachable, "Registry Unreachable",
		"No registry answered at %s for %s: %s. Check the host and port of url, and that this machine can reach the registry: "+
			"the check runs where Terraform runs.", op.ref.Registry(), op.ref, cause)
}

// httpProblem explains an HTTP answer, by which request got it and its status.
func (op operation) httpProblem(te *transport.Error, last answer) *Problem {
	reg, repo := op.ref.Registry(), op.ref.Repository()
	path := last.path
	if te.Request != nil {
		path = te.Request.URL.Path
	}
	codes := ""
	for _, d := range te.Errors {
		codes += " " + string(d.Code)
	}
	status := fmt.Sprintf("HTTP %d%s", te.StatusCode, codes)
	ping := path == "/v2/" || path == "/v2"
	token := !ping && !strings.HasPrefix(path, "/v2/")
	switch {
	case te.StatusCode == http.StatusTooManyRequests:
		wait := "without saying for how long"
		if last.retryAfter > 0 {
			wait = "and asks to wait " + last.retryAfter.String() + " (Retry-After)"
		}
		return op.problem(KindRateLimited, "Registry Rate Limit",
			"The registry %s is limiting requests (%s) %s, so the check could not learn whether %s can be pulled; workers pulling now may be refused the same way. "+
				"Run the plan again later.", reg, status, wait, op.ref)
	case te.StatusCode == http.StatusUnauthorized && op.user == "":
		return op.problem(KindLoginRequired, "Registry Login Required",
			"The registry %s needs a login to pull %s (%s to an anonymous request), and this pull is made without credentials: the launcher logs in "+
				"only when registry_username is set, and only to registry_url. Set registry_username and registry_password for this registry.", reg, op.ref, status)
	case te.StatusCode == http.StatusUnauthorized && (token || last.challenge == "Basic" || op.stage == stageLogin):
		return op.problem(KindCredentialsRefused, "Registry Credentials Refused",
			"The registry %s refused the credentials of %s (%s): the launcher's docker login fails, and with it every job of %s. "+
				"Check registry_username and the registry password.", reg, op.who(), status, op.ref)
	case te.StatusCode == http.StatusUnauthorized, te.StatusCode == http.StatusForbidden:
		return op.problem(KindDenied, "Registry Access Denied",
			"The registry %s let %s log in, but refused pulling repository %s (%s): the repository does not exist, or the user may not pull it "+
				"(registries such as Docker Hub answer both the same way). Check the repository in url and the user's permissions.", reg, op.who(), repo, status)
	case te.StatusCode == http.StatusNotFound && !ping && !token:
		what := fmt.Sprintf("tag %q", op.ref.Identifier())
		if op.ref.Digest != "" {
			what = "digest " + op.ref.Digest
		}
		return op.problem(KindNotFound, "Image Not Found",
			"The registry %s has no manifest for %s in repository %s (%s): `docker pull %s` fails on every worker. Push the image, or correct url.",
			reg, what, repo, status, op.ref)
	case te.StatusCode >= 500:
		return op.problem(KindServerError, "Registry Server Error",
			"The registry %s failed (%s to %s %s), so the check could not learn whether %s can be pulled. Run the plan again when the registry is healthy.",
			reg, status, requestMethod(te, last), path, op.ref)
	case ping || token:
		what := status
		if strings.HasPrefix(last.contentType, "text/html") {
			what += ", a web page"
		}
		where := "GET /v2/"
		if token {
			where = "its token service (" + path + ")"
		}
		return op.problem(KindNotRegistry, "Not A Container Registry",
			"%s is not a container registry API: %s answered %s, where a registry answers 200 or 401. Check the host and port of url.", reg, where, what)
	}
	return op.problem(KindOther, "Registry Check Failed", "The registry %s answered %s %s with %s while checking %s.",
		reg, requestMethod(te, last), path, status, op.ref)
}

func requestMethod(te *transport.Error, last answer) string {
	if te.Request != nil {
		return te.Request.Method
	}
	return last.method
}

// tlsCause is the certificate problem in words, without the library's request prefix.
func tlsCause(err error) string {
	var uae x509.UnknownAuthorityError
	var hne x509.HostnameError
	var cie x509.CertificateInvalidError
	switch {
	case errors.As(err, &uae):
		return "its certificate is signed by an authority this machine does not trust"
	case errors.As(err, &hne):
		return hne.Error()
	case errors.As(err, &cie):
		return cie.Error()
	}
	return "the certificate could not be verified"
}

// closest returns up to n of tags nearest to want by edit distance, nearest first.
func closest(want string, tags []string, n int) []string {
	type scored struct {
		tag string
		d   int
	}
	s := make([]scored, 0, len(tags))
	for _, t := range tags {
		s = append(s, scored{t, editDistance(want, t)})
	}
	slices.SortStableFunc(s, func(x, y scored) int { return cmp.Or(cmp.Compare(x.d, y.d), cmp.Compare(x.tag, y.tag)) })
	out := make([]string, 0, n)
	for i := 0; i < len(s) && i < n; i++ {
		out = append(out, fmt.Sprintf("%q", s[i].tag))
	}
	return out
}

// editDistance is the Levenshtein distance of a and b, bytewise.
func editDistance(a, b string) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}
