// Copyright (c) The terraform-provider-ufdl authors
// SPDX-License-Identifier: Apache-2.0

package registry

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"net"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/google/go-containerregistry/pkg/authn"
	"github.com/google/go-containerregistry/pkg/name"
	"github.com/google/go-containerregistry/pkg/v1/remote"
	"github.com/google/go-containerregistry/pkg/v1/remote/transport"
	"github.com/google/go-containerregistry/pkg/v1/types"
)

// Logger receives one line per registry request (method, address without query, status).
// Nothing the checker logs holds a password or a token.
type Logger interface {
	Debug(ctx context.Context, msg string, fields map[string]any)
}

type nopLogger struct{}

func (nopLogger) Debug(context.Context, string, map[string]any) {}

// DefaultRetries is how often a 429 or 5xx answer is usually retried.
const DefaultRetries = 3

// Config tunes a Checker; the zero value is usable (and retries nothing).
type Config struct {
	// Transport sends the requests; nil means a clone of http.DefaultTransport (system CAs,
	// SSL_CERT_FILE, proxy variables).
	Transport http.RoundTripper
	// Timeout bounds each attempt of a request; default 30 s.
	Timeout time.Duration
	// Parallel bounds the requests in flight at once, over all registries; default 8.
	Parallel int
	// Retries is how often a 429 or 5xx answer is retried: DefaultRetries is the usual
	// choice, 0 means none.
	Retries int
	// MaxRetryAfter is the longest Retry-After honoured by waiting; a registry that asks
	// for longer is reported as rate limiting. Default 30 s.
	MaxRetryAfter time.Duration
	Logger        Logger
}

// Credentials are a registry login; the zero value pulls anonymously.
type Credentials struct {
	Username, Password string
}

// key identifies the credentials in the caches without holding the password.
func (c Credentials) key() string {
	if c.Username == "" && c.Password == "" {
		return ""
	}
	h := sha256.Sum256([]byte(c.Username + "\x00" + c.Password))
	return c.Username + "\x00" + hex.EncodeToString(h[:])
}

func (c Credentials) authenticator() authn.Authenticator {
	if c.Username == "" && c.Password == "" {
		return authn.Anonymous
	}
	return authn.FromConfig(authn.AuthConfig{Username: c.Username, Password: c.Password})
}

// Manifest is what a registry answered for a reference.
type Manifest struct {
	Digest    string
	MediaType string
	Size      int64
}

// Checker asks registries for manifests as a worker's `docker pull` would. It makes one
// login per (registry, repository, credentials) and one manifest request per (registry,
// repository, reference, credentials) for its whole life, failures included, however many
// callers ask at once. Safe for concurrent use.
type Checker struct {
	base      *baseTransport
	logins    memo[loginKey, *remote.Puller]
	manifests memo[manifestKey, Manifest]
	tags      memo[loginKey, []string]
}

type loginKey struct{ registry, repository, creds string }

type manifestKey struct {
	loginKey
	identifier string
}

// New returns a Checker.
func New(cfg Config) *Checker {
	if cfg.Transport == nil {
		if t, ok := http.DefaultTransport.(*http.Transport); ok {
			cfg.Transport = t.Clone() // its own connection pool
		} else {
			cfg.Transport = http.DefaultTransport
		}
	}
	if cfg.Timeout <= 0 {
		cfg.Timeout = 30 * time.Second
	}
	if cfg.Parallel <= 0 {
		cfg.Parallel = 8
	}
	cfg.Retries = max(cfg.Retries, 0)
	if cfg.MaxRetryAfter <= 0 {
		cfg.MaxRetryAfter = 30 * time.Second
	}
	if cfg.Logger == nil {
		cfg.Logger = nopLogger{}
	}
	return &Checker{base: &baseTransport{
		inner: cfg.Transport, sem: make(chan struct{}, cfg.Parallel), timeout: cfg.Timeout,
		retries: cfg.Retries, maxWait: cfg.MaxRetryAfter, log: cfg.Logger,
	}}
}

// Resolve asks the registry of ref for the manifest that `docker pull ref` would pull (by
// digest when ref has one, else by tag, else "latest") and returns its digest. Its errors
// are *Problem.
func (c *Checker) Resolve(ctx context.Context, ref Reference, creds Credentials) (Manifest, error) {
	lk := loginKey{registry: strings.ToLower(ref.Registry()), repository: ref.Repository(), creds: creds.key()}
	return c.manifests.get(manifestKey{loginKey: lk, identifier: ref.Identifier()}, func() (Manifest, error) {
		op := operation{ref: ref, user: creds.Username, timeout: c.base.timeout}
		p, err := c.login(ctx, lk, ref, creds)
		if err != nil {
			return Manifest{}, err
		}
		m, err := c.fetchManifest(ctx, p, op)
		var pr *Problem
		if errors.As(err, &pr) && pr.Kind == KindNotFound {
			hint, repoMissing := c.tagHint(ctx, p, lk, op)
			pr.Detail += hint
			if repoMissing {
				pr.Kind, pr.Summary = KindRepositoryNotFound, "Image Repository Not Found"
			}
		}
		return m, err
	})
}

// login authenticates as a worker would (anonymous, Basic, or a Bearer token for pulling
// the repository) once per key.
func (c *Checker) login(ctx context.Context, lk loginKey, ref Reference, creds Credentials) (*remote.Puller, error) {
	return c.logins.get(lk, func() (*remote.Puller, error) {
		op := operation{ref: ref, user: creds.Username, stage: stageLogin, timeout: c.base.timeout}
		repo, err := repository(ref)
		if err != nil {
			return nil, op.other(err)
		}
		tr := &trace{}
		rt, err := transport.NewWithContext(withTrace(ctx, tr), repo.Registry, creds.authenticator(), c.base,
			[]string{repo.Scope(transport.PullScope)})
		if err != nil {
			return nil, op.classify(err, tr)
		}
		// rt is a transport.Wrapper: the library uses it as it is, without logging in again
		// or adding its own retries on top of ours.
		p, err := remote.NewPuller(remote.WithTransport(rt))
		if err != nil {
			return nil, op.other(err)
		}
		return p, nil
	})
}

func repository(ref Reference) (name.Repository, error) {
	reg, err := name.NewRegistry(ref.Registry(), name.StrictValidation)
	if err != nil {
		return name.Repository{}, err
	}
	return reg.Repo(ref.Repository()), nil
}

// fetchManifest asks with HEAD, and with GET where the registry refuses HEAD or answers it
// without the digest; both accept every manifest type docker pull does (OCI index and
// image, Docker manifest list and image, schema 1).
func (c *Checker) fetchManifest(ctx context.Context, p *remote.Puller, op operation) (Manifest, error) {
	op.stage = stageManifest
	repo, err := repository(op.ref)
	if err != nil {
		return Manifest{}, op.other(err)
	}
	var nref name.Reference = repo.Tag(op.ref.Identifier())
	if op.ref.Digest != "" {
		nref = repo.Digest(op.ref.Digest)
	}
	tr := &trace{}
	tctx := withTrace(ctx, tr)
	d, err := p.Head(tctx, nref)
	if err != nil && headRefused(err) {
		var gd *remote.Descriptor
		if gd, err = p.Get(tctx, nref); err == nil {
			d = &gd.Descriptor
		}
	}
	if err != nil {
		return Manifest{}, op.classify(err, tr)
	}
	if !manifestTypes[d.MediaType] {
		return Manifest{}, op.notRegistryAnswer(string(d.MediaType))
	}
	return Manifest{Digest: d.Digest.String(), MediaType: string(d.MediaType), Size: d.Size}, nil
}

// headRefused tells the errors after which a GET may still answer: HEAD not allowed or not
// implemented, or a HEAD answer without the headers that carry the digest.
func headRefused(err error) bool {
	var te *transport.Error
	if errors.As(err, &te) {
		switch te.StatusCode {
		case http.StatusBadRequest, http.StatusMethodNotAllowed, http.StatusNotAcceptable, http.StatusNotImplemented:
			return true
		}
		return false
	}
	var ne net.Error
	return !errors.As(err, &ne) && !errors.Is(err, context.Canceled) && !errors.Is(err, context.DeadlineExceeded)
}

var manifestTypes = map[types.MediaType]bool{
	types.OCIImageIndex: true, types.OCIManifestSchema1: true,
	types.DockerManifestList: true, types.DockerManifestSchema2: true,
	types.DockerManifestSchema1: true, types.DockerManifestSchema1Signed: true,
}

// IsSchema1 tells a manifest type that current Docker versions no longer pull.
func IsSchema1(mediaType string) bool {
	return mediaType == string(types.DockerManifestSchema1) || mediaType == string(types.DockerManifestSchema1Signed)
}

// tagHint tells, after a tag was not found, whether the repository exists and which of its
// tags look like the one asked for. One tag list per repository and credentials.
func (c *Checker) tagHint(ctx context.Context, p *remote.Puller, lk loginKey, op operation) (hint string, repoMissing bool) {
	tags, err := c.tags.get(lk, func() ([]string, error) {
		repo, err := repository(op.ref)
		if err != nil {
			return nil, err
		}
		l, err := p.Lister(ctx, repo)
		if err != nil {
			return nil, err
		}
		page, err := l.Next(ctx)
		if err != nil {
			return nil, err
		}
		return page.Tags, nil
	})
	var te *transport.Error
	switch {
	case errors.As(err, &te) && te.StatusCode == http.StatusNotFound:
		return " The repository itself does not exist on the registry (its tag list is unknown too).", true
	case err != nil, op.ref.Digest != "":
		return "", false
	case len(tags) == 0:
		return " The repository exists but has no tags.", false
	}
	return " Tags of the repository closest to it: " + strings.Join(closest(op.ref.Identifier(), tags, 5), ", ") + ".", false
}

// memo runs fn once per key and keeps its result, error included; callers that ask for a
// key while it runs wait for it.
type memo[K comparable, V any] struct {
	mu sync.Mutex
	m  map[K]*memoEntry[V]
}

type memoEntry[V any] struct {
	done chan struct{}
	val  V
	err  error
}

func (m *memo[K, V]) get(k K, fn func() (V, error)) (V, error) {
	m.mu.Lock()
	if m.m == nil {
		m.m = map[K]*memoEntry[V]{}
	}
	e, ok := m.m[k]
	if !ok {
		e = &memoEntry[V]{done: make(chan struct{})}
		m.m[k] = e
	}
	m.mu.Unlock()
	if !ok {
		e.val, e.err = fn()
		close(e.done)
	}
	<-e.done
	return e.val, e.err
}

// Check verifies that ref can be pulled with creds, as a worker's docker pull would pull
// it. pull is why it cannot (or why the check could not tell), nil when it can; warnings are
// what does not stop the pull: a pinned url whose tag moved or is gone, a schema 1 manifest.
func (c *Checker) Check(ctx context.Context, ref Reference, creds Credentials) (pull *Problem, warnings []Finding) {
	m, err := c.Resolve(ctx, ref, creds)
	if err != nil {
		var p *Problem
		if !errors.As(err, &p) {
			p = operation{ref: ref, user: creds.Username}.other(err)
		}
		return p, nil
	}
	if IsSchema1(m.MediaType) {
		warnings = append(warnings, Finding{Severity: Warning, Field: "url", Summary: "Legacy Image Manifest",
			Detail: fmt.Sprintf("The registry %s serves %s as a schema 1 manifest (%s), which Docker 28 and later no longer pull. Push the image again with a current Docker or buildah.",
				ref.Registry(), ref, m.MediaType)})
	}
	if ref.Tag == "" || ref.Digest == "" {
		return nil, warnings
	}
	byTag := ref
	byTag.Digest = ""
	tm, err := c.Resolve(ctx, byTag, creds)
	var p *Problem
	switch {
	case err == nil && tm.Digest != ref.Digest:
		warnings = append(warnings, Finding{Severity: Warning, Field: "url", Summary: "Pinned Tag Moved",
			Detail: fmt.Sprintf("url pins %s, but tag %q of %s now points at %s. Workers still pull the pinned image (the digest wins over the tag). "+
				"If the tag was moved on purpose, pin the new digest: the ufdl_image_digest data source with provider::ufdl::pin_image turns the move into a url change in the plan.",
				ref.Digest, ref.Tag, ref.Name(), tm.Digest)})
	case errors.As(err, &p) && (p.Kind == KindNotFound || p.Kind == KindRepositoryNotFound):
		warnings = append(warnings, Finding{Severity: Warning, Field: "url", Summary: "Pinned Tag Gone",
			Detail: fmt.Sprintf("url pins %s, which the registry still has, but tag %q no longer exists in %s. Workers pull the pinned image; "+
				"the tag in url only misleads its readers now.", ref.Digest, ref.Tag, ref.Name())})
	}
	return nil, warnings
}
