// Copyright (c) The terraform-provider-ufdl authors
// SPDX-License-Identifier: Apache-2.0

package conformance

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// Target is a server to run the corpus against.
type Target struct {
	URL                      string
	AdminUser, AdminPassword string
	User, Password           string
	Client                   *http.Client // nil: a client with a 30 s timeout

	// Expired gives an access token of the admin that has already expired. When
	// nil, WaitExpired decides: wait (at most one access lifetime, five minutes
	// on the real backend) until the admin's first token has expired, or skip
	// the cases that need one.
	Expired     func() (string, error)
	WaitExpired bool

	// Log receives progress lines (waits, teardown problems); nil is silent.
	Log func(format string, args ...any)
}

// Result is one case's outcome on a target.
type Result struct {
	Case    *Case
	Got     *Answer
	Err     error  // the case could not be run (transport error, unknown placeholder)
	Skipped string // why the case was not run
}

type token struct {
	access, refresh string
	at              time.Time
}

type created struct {
	coll string
	pk   int64
	name string
}

type runner struct {
	t       Target
	client  *http.Client
	tag     string
	tokens  map[string]*token
	objects []created
	byName  map[string]created
	norm    normaliser
	first   *token // the admin's first token: it expires first
}

// NewTag returns a fresh per-run tag: short (names are 64 characters at most),
// lower case, and unlike anything in the seed data.
func NewTag() string {
	b := make([]byte, 4)
	_, _ = rand.Read(b)
	return "cf" + hex.EncodeToString(b)
}

// Run sends every case to the target in order (cases that need an expired
// token last), then deletes what the run created.
func Run(ctx context.Context, t Target, cases []*Case) ([]Result, error) {
	r := &runner{t: t, client: t.Client, tag: NewTag(), tokens: map[string]*token{}, byName: map[string]created{}}
	if r.client == nil {
		r.client = &http.Client{Timeout: 30 * time.Second}
	}
	r.norm = normaliser{tag: r.tag, created: map[string]map[int64]string{}}
	for _, who := range []string{"admin", "user"} {
		if _, err := r.login(ctx, who); err != nil {
			return nil, err
		}
	}
	r.first = r.tokens["admin"]
	defer r.teardown(ctx)

	results := make([]Result, len(cases))
	var later []int
	for i, c := range cases {
		if c.As == "expired" && t.Expired == nil {
			later = append(later, i)
			continue
		}
		results[i] = r.run(ctx, c)
		if err := ctx.Err(); err != nil {
			return nil, err
		}
	}
	if len(later) > 0 {
		expired, skip := r.waitExpired(ctx)
		for _, i := range later {
			if skip != "" {
				results[i] = Result{Case: cases[i], Skipped: skip}
				continue
			}
			results[i] = r.runWith(ctx, cases[i], expired)
		}
	}
	return results, nil
}

func (r *runner) logf(format string, args ...any) {
	if r.t.Log != nil {
		r.t.Log(format, args...)
	}
}

// waitExpired returns the admin's first access token once it has expired.
func (r *runner) waitExpired(ctx context.Context) (string, string) {
	if !r.t.WaitExpired {
		return "", "needs an expired token: run with -wait-expired (waits up to one access-token lifetime)"
	}
	exp, err := tokenExpiry(r.first.access)
	if err != nil {
		return "", err.Error()
	}
	if d := time.Until(exp.Add(1500 * time.Millisecond)); d > 0 {
		r.logf("waiting %s for the first access token to expire", d.Round(time.Second))
		select {
		case <-time.After(d):
		case <-ctx.Done():
			return "", ctx.Err().Error()
		}
	}
	return r.first.access, ""
}

// tokenExpiry reads the exp claim of a JWT (no verification: it is our own token).
func tokenExpiry(tok string) (time.Time, error) {
	parts := strings.Split(tok, ".")
	if len(parts) != 3 {
		return time.Time{}, errors.New("the access token is not a JWT: cannot tell when it expires")
	}
	payload, err := base64.RawURLEncoding.DecodeString(parts[1])
	if err != nil {
		return time.Time{}, fmt.Errorf("the access token's payload: %w", err)
	}
	var c struct {
		Exp int64 `json:"exp"`
	}
	if err := json.Unmarshal(payload, &c); err != nil || c.Exp == 0 {
		return time.Time{}, errors.New("the access token has no exp claim")
	}
	return time.Unix(c.Exp, 0), nil
}

// login obtains tokens for admin or user.
func (r *runner) login(ctx context.Context, who string) (*token, error) {
	name, pw := r.t.AdminUser, r.t.AdminPassword
	if who == "user" {
		name, pw = r.t.User, r.t.Password
	}
	body, _ := json.Marshal(map[string]string{"username": name, "password": pw})
	st, _, b, err := r.send(ctx, http.MethodPost, "/v1/auth/obtain", body, nil)
	if err != nil {
		return nil, fmt.Errorf("conformance: log in as %s: %w", who, err)
	}
	var tok struct{ Access, Refresh string }
	if st != http.StatusOK || json.Unmarshal(b, &tok) != nil || tok.Access == "" {
		return nil, fmt.Errorf("conformance: log in as %s (%q): status %d: %.200s", who, name, st, b)
	}
	t := &token{access: tok.Access, refresh: tok.Refresh, at: time.Now()}
	r.tokens[who] = t
	return t, nil
}

// access returns a usable access token, logging in again when the one held
// is close to the real backend's five-minute lifetime.
func (r *runner) access(ctx context.Context, who string) (*token, error) {
	if t := r.tokens[who]; t != nil && time.Since(t.at) < 4*time.Minute {
		return t, nil
	}
	return r.login(ctx, who)
}

func (r *runner) run(ctx context.Context, c *Case) Result {
	auth := ""
	switch c.As {
	case "admin", "user":
		t, err := r.access(ctx, c.As)
		if err != nil {
			return Result{Case: c, Err: err}
		}
		auth = t.access
	case "expired":
		tok, err := r.t.Expired()
		if err != nil {
			return Result{Case: c, Err: err}
		}
		auth = tok
	}
	return r.runWith(ctx, c, auth)
}

func (r *runner) runWith(ctx context.Context, c *Case, auth string) Result {
	res := Result{Case: c}
	p, err := r.expand(ctx, c.Path)
	if err != nil {
		res.Err = err
		return res
	}
	var body []byte
	if c.Body != nil {
		b, err := r.expand(ctx, *c.Body)
		if err != nil {
			res.Err = err
			return res
		}
		body = []byte(b)
	}
	hdr := http.Header{}
	if c.Body != nil {
		hdr.Set("Content-Type", "application/json")
	}
	if auth != "" {
		hdr.Set("Authorization", "Bearer "+auth)
	}
	for _, kv := range c.Header {
		v, err := r.expand(ctx, kv[1])
		if err != nil {
			res.Err = err
			return res
		}
		if v == "" {
			hdr.Del(kv[0])
		} else {
			hdr.Set(kv[0], v)
		}
	}
	st, rh, rb, err := r.send(ctx, c.Method, p, body, hdr)
	if err != nil {
		res.Err = err
		return res
	}
	coll := collection(p)
	kind := bodyKind(rh, rb)
	if kind == "json" && st == http.StatusCreated && c.Method == http.MethodPost && strings.HasSuffix(strings.TrimSuffix(p, "/"), "/create") {
		r.remember(coll, rb, c.Save)
	}
	sels := make([]selector, 0, len(c.Compare))
	for _, s := range c.Selectors() {
		sel, _ := parseSelector(s) // checked when the corpus was loaded
		sels = append(sels, sel)
	}
	v, err := view(sels, st, kind, rh, rb, coll, &r.norm)
	if err != nil {
		res.Err = fmt.Errorf("%d %s: %w: %.300s", st, kind, err, rb)
		return res
	}
	res.Got = &Answer{Status: st, Kind: kind, View: v}
	return res
}

// Selectors returns the case's view selectors (default: the whole body).
func (c *Case) Selectors() []string {
	if len(c.Compare) == 0 {
		return []string{"body"}
	}
	return c.Compare
}

func (r *runner) remember(coll string, body []byte, name string) {
	var obj struct {
		PK json.Number `json:"pk"`
	}
	if json.Unmarshal(body, &obj) != nil {
		return
	}
	pk, err := obj.PK.Int64()
	if err != nil {
		return
	}
	o := created{coll: coll, pk: pk, name: name}
	r.objects = append(r.objects, o)
	if r.norm.created[coll] == nil {
		r.norm.created[coll] = map[int64]string{}
	}
	r.norm.created[coll][pk] = name
	if name != "" {
		r.byName[name] = o
	}
}

// collection is the resource segment of a path, with one spelling of licences.
func collection(p string) string {
	segs := strings.Split(strings.TrimPrefix(p, "/"), "/")
	if len(segs) < 2 {
		return ""
	}
	if segs[1] == "licenses" {
		return "licences"
	}
	return segs[1]
}

const maxBody = 4 << 20

func (r *runner) send(ctx context.Context, method, p string, body []byte, hdr http.Header) (int, http.Header, []byte, error) {
	var rd io.Reader
	if body != nil {
		rd = bytes.NewReader(body)
	}
	req, err := http.NewRequestWithContext(ctx, method, strings.TrimSuffix(r.t.URL, "/")+p, rd)
	if err != nil {
		return 0, nil, nil, err
	}
	if hdr == nil {
		hdr = http.Header{"Content-Type": {"application/json"}}
	}
	req.Header = hdr
	resp, err := r.client.Do(req)
	if err != nil {
		return 0, nil, nil, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(io.LimitReader(resp.Body, maxBody))
	return resp.StatusCode, resp.Header, b, err
}

// pkRef is the argument of a pk placeholder: a saved name and an optional offset.
var pkRef = regexp.MustCompile(`^([A-Za-z0-9_]+)([+-][0-9]+)?$`)

// expand replaces the placeholders of a path, body or header value.
func (r *runner) expand(ctx context.Context, s string) (string, error) {
	var out strings.Builder
	for {
		i := strings.Index(s, "{{")
		if i < 0 {
			out.WriteString(s)
			return out.String(), nil
		}
		j := strings.Index(s[i:], "}}")
		if j < 0 {
			return "", fmt.Errorf("unclosed placeholder in %q", s)
		}
		out.WriteString(s[:i])
		v, err := r.placeholder(ctx, s[i+2:i+j])
		if err != nil {
			return "", err
		}
		out.WriteString(v)
		s = s[i+j+2:]
	}
}

func (r *runner) placeholder(ctx context.Context, p string) (string, error) {
	name, arg, _ := strings.Cut(p, ":")
	switch name {
	case "tag":
		return r.tag, nil
	case "pk":
		// {{pk:NAME-N}} and {{pk:NAME+N}} are pks next to a saved one: what
		// lies there shows whether a failed create consumed a pk.
		m := pkRef.FindStringSubmatch(arg)
		if m == nil {
			return "", fmt.Errorf("{{%s}}: want pk:NAME, pk:NAME-N or pk:NAME+N", p)
		}
		o, ok := r.byName[m[1]]
		if !ok {
			return "", fmt.Errorf("{{%s}}: no object named %s was created earlier in this run", p, m[1])
		}
		offset, _ := strconv.ParseInt(m[2], 10, 64) // "" is no offset
		return strconv.FormatInt(o.pk+offset, 10), nil
	case "username", "password":
		// The credentials the target was given, so that cases can log in.
		switch {
		case arg == "admin" && name == "username":
			return r.t.AdminUser, nil
		case arg == "admin":
			return r.t.AdminPassword, nil
		case arg == "user" && name == "username":
			return r.t.User, nil
		case arg == "user":
			return r.t.Password, nil
		}
		return "", fmt.Errorf("{{%s}}: want admin or user", p)
	case "access", "refresh":
		if arg != "admin" && arg != "user" {
			return "", fmt.Errorf("{{%s}}: want admin or user", p)
		}
		t, err := r.access(ctx, arg)
		if err != nil {
			return "", err
		}
		if name == "access" {
			return t.access, nil
		}
		return t.refresh, nil
	case "repeat":
		// {{repeat:N:TEXT}}: TEXT N times (sizes of fields, in characters).
		n, text, ok := strings.Cut(arg, ":")
		count, err := strconv.Atoi(n)
		if !ok || err != nil || count < 0 || count > 1<<20 {
			return "", fmt.Errorf("{{%s}}: want repeat:COUNT:TEXT", p)
		}
		return strings.Repeat(text, count), nil
	}
	return "", fmt.Errorf("unknown placeholder {{%s}} (tag, pk:NAME[±N], username:WHO, password:WHO, access:WHO, refresh:WHO, repeat:N:TEXT)", p)
}

// teardown deletes what the run created, newest first. An image keeps its
// row on DELETE while it has tasks (real backend), so they are cleared first.
func (r *runner) teardown(ctx context.Context) {
	ctx = context.WithoutCancel(ctx)
	t, err := r.access(ctx, "admin")
	if err != nil {
		r.logf("teardown: %v", err)
		return
	}
	hdr := func() http.Header {
		return http.Header{"Authorization": {"Bearer " + t.access}, "Content-Type": {"application/json"}}
	}
	for i := len(r.objects) - 1; i >= 0; i-- {
		o := r.objects[i]
		p := fmt.Sprintf("/v1/%s/%d", o.coll, o.pk)
		if o.coll == "docker" {
			st, _, _, err := r.send(ctx, http.MethodPatch, p, []byte(`{"tasks":[]}`), hdr())
			if err == nil && st == http.StatusNotFound {
				continue
			}
		}
		if _, _, _, err := r.send(ctx, http.MethodDelete, p, nil, hdr()); err != nil {
			r.logf("teardown: DELETE %s: %v", p, err)
			continue
		}
		if st, _, _, err := r.send(ctx, http.MethodGet, p, nil, hdr()); err == nil && st != http.StatusNotFound {
			r.logf("teardown: %s is still there after DELETE (status %d)", p, st)
		}
	}
}
