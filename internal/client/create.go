// Copyright (c) The terraform-provider-ufdl authors
// SPDX-License-Identifier: Apache-2.0

package client

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"time"
)

// CreateImage creates an image with one POST and returns the server's answer.
//
// A create is never retried blindly. When its outcome is unknown (the
// connection failed after the request may have been sent, a timeout, a 5xx, or a
// 2xx whose body cannot be read), CreateImage looks the image up by name and
// version: if it exists and every sent field matches, it is adopted (returned as
// if created); if it exists and differs, the error is an *ImageConflictError; if
// it does not exist, the POST is sent again, at most MaxRetries times. Failures
// that prove the server did nothing (connection refused, 429, 503 with
// Retry-After) are retried directly.
//
// When ctx ends (Terraform interrupted), a POST not yet sent is not sent, and a
// POST already sent is let finish within its per-attempt timeout: its answer
// says whether the image was stored, and a stored image is returned, so that it
// lands in state instead of being orphaned. Were the POST cut short, the server
// could still be storing the image while the look-up found nothing. If even the
// finished POST leaves the outcome unknown, one short look-up still runs.
func (c *Client) CreateImage(ctx context.Context, spec ImageSpec) (*Image, error) {
	body, err := marshalJSON(spec)
	if err != nil {
		return nil, err
	}
	req := &request{method: http.MethodPost, path: "/v1/docker/create", body: body, once: true, hide: spec.secretValues()}
	for round := 0; ; round++ {
		img, err := c.imageCall(ctx, req)
		if err == nil {
			return img, nil
		}
		// After a resend, a 400 may be the duplicate of our own earlier, late
		// commit: look before reporting it.
		lateDuplicate := round > 0 && IsBadRequest(err)
		if !outcomeUnknown(err, req.path) && !lateDuplicate {
			return nil, err
		}

		lookCtx, cancel := ctx, context.CancelFunc(func() {})
		if ctx.Err() != nil {
			lookCtx, cancel = c.settleContext(ctx)
		}
		adopted, lookErr := c.adopt(lookCtx, spec, err)
		cancel()
		switch {
		case lookErr != nil:
			return nil, lookErr
		case adopted != nil:
			return adopted, nil
		case lateDuplicate || ctx.Err() != nil || round >= c.cfg.MaxRetries:
			return nil, err
		}

		wait := retryWait(c.cfg.RetryWaitMin, c.cfg.RetryWaitMax, round, nil, time.Now(), jitter)
		c.log.Warn(ctx, "UFDL create failed before the image was stored; sending it again", map[string]any{
			"name": spec.Name, "version": spec.Version, "next_attempt": round + 2, "wait_ms": wait.Milliseconds(),
			"error": err.Error(),
		})
		timer := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			timer.Stop()
			return nil, err
		case <-timer.C:
		}
	}
}

// MayHaveCreated reports whether a failed create may nevertheless have stored what it
// sent: the request may have reached the server, and nothing says it was refused.
func MayHaveCreated(err error) bool {
	for _, path := range []string{"/v1/docker/create"} {
		if outcomeUnknown(err, path) {
			return true
		}
	}
	return false
}

// outcomeUnknown says whether a failed create may nevertheless have stored the
// image on the server. Failures of the token renewal on the way (other paths)
// prove nothing was sent.
func outcomeUnknown(err error, path string) bool {
	var (
		conn *ConnectionError
		api  *APIError
		dec  *DecodeError
		canc *canceledError
	)
	switch {
	case errors.As(err, &conn):
		return conn.Path == path && conn.maybeSent
	case errors.As(err, &api):
		return api.Path == path && api.Status >= 500 && !(api.Status == http.StatusServiceUnavailable && api.retryAfter)
	case errors.As(err, &dec):
		return dec.Path == path && dec.Status >= 200 && dec.Status < 300
	case errors.As(err, &canc):
		return canc.path == path && canc.attempts > 0
	}
	return false
}

// adopt looks for the image a create of spec may have stored. It returns the
// image when it matches spec, nil, nil when there is none, an
// *ImageConflictError when one exists but differs, and an error wrapping cause
// when the look-up itself failed.
func (c *Client) adopt(ctx context.Context, spec ImageSpec, cause error) (*Image, error) {
	img, err := c.FindImage(ctx, spec.Name, spec.Version)
	if err != nil {
		return nil, fmt.Errorf("%w; looking up %s:%s to see whether it was created anyway also failed: %v", cause, spec.Name, spec.Version, err)
	}
	if img == nil {
		return nil, nil
	}
	diffs, err := c.specDiff(ctx, spec, img)
	if err != nil {
		return nil, fmt.Errorf("%w; an image %s:%s exists (pk %d) but could not be compared with the one sent: %v", cause, spec.Name, spec.Version, img.PK, err)
	}
	if len(diffs) > 0 {
		return nil, &ImageConflictError{Name: spec.Name, Version: spec.Version, PK: img.PK, Differences: diffs, Cause: cause}
	}
	c.log.Warn(ctx, "UFDL create outcome was unknown; adopted the matching image found on the server", map[string]any{
		"name": spec.Name, "version": spec.Version, "pk": img.PK, "error": cause.Error(),
	})
	return img, nil
}

// specDiff compares a request-form spec with a response-form image, mapping the
// response through the lookups (domain description to code) and comparing tasks
// as sets. Secret values are never put in the result.
func (c *Client) specDiff(ctx context.Context, spec ImageSpec, img *Image) ([]string, error) {
	lk, err := c.LookupsWith(ctx, func(lk *Lookups) bool {
		_, ok := lk.DomainByDescription(img.Domain)
		return ok
	}, TableDomains)
	if err != nil {
		return nil, err
	}
	return Differences(spec, img, lk), nil
}

// Differences lists the fields where img is not what spec asked for.
func Differences(spec ImageSpec, img *Image, lk *Lookups) []string {
	var diffs []string
	str := func(field, sent, got string) {
		if sent != got {
			diffs = append(diffs, fmt.Sprintf("%s: sent %q, server has %q", field, sent, got))
		}
	}
	optional := func(p *string) string {
		if p == nil {
			return "null"
		}
		return fmt.Sprintf("%q", *p)
	}
	str(FieldName, spec.Name, img.Name)
	str(FieldVersion, spec.Version, img.Version)
	str(FieldURL, spec.URL, img.URL)
	str(FieldRegistryURL, spec.RegistryURL, img.RegistryURL)
	if !equalOptional(spec.RegistryUsername, img.RegistryUsername) {
		diffs = append(diffs, fmt.Sprintf("%s: sent %s, server has %s", FieldRegistryUsername, optional(spec.RegistryUsername), optional(img.RegistryUsername)))
	}
	if !equalOptional(spec.RegistryPassword, img.RegistryPassword) {
		diffs = append(diffs, FieldRegistryPassword+": differs (values not shown)")
	}
	str(FieldCUDAVersion, spec.CUDAVersion, img.CUDAVersion.Version)
	if spec.Framework != img.Framework.PK {
		diffs = append(diffs, fmt.Sprintf("%s: sent %d, server has %d (%s %s)", FieldFramework, spec.Framework, img.Framework.PK, img.Framework.Name, img.Framework.Version))
	}
	gotDomain := img.Domain
	if d, ok := lk.DomainByDescription(img.Domain); ok {
		gotDomain = d.Name
	}
	str(FieldDomain, spec.Domain, gotDomain)
	if !sameSet(spec.Tasks, img.Tasks) {
		diffs = append(diffs, fmt.Sprintf("%s: sent %q, server has %q", FieldTasks, slices.Sorted(slices.Values(spec.Tasks)), slices.Sorted(slices.Values(img.Tasks))))
	}
	var gotGen *string
	if img.MinHardwareGeneration != nil {
		gotGen = &img.MinHardwareGeneration.Generation
	}
	if !equalOptional(spec.MinHardwareGeneration, gotGen) {
		diffs = append(diffs, fmt.Sprintf("%s: sent %s, server has %s", FieldMinHardwareGeneration, optional(spec.MinHardwareGeneration), optional(gotGen)))
	}
	if spec.CPU != img.CPU {
		diffs = append(diffs, fmt.Sprintf("%s: sent %t, server has %t", FieldCPU, spec.CPU, img.CPU))
	}
	str(FieldLicence, spec.Licence, img.Licence)
	return diffs
}

func equalOptional(a, b *string) bool {
	if a == nil || b == nil {
		return a == nil && b == nil
	}
	return *a == *b
}

// sameSet compares as sets: order and repetitions do not matter.
func sameSet(a, b []string) bool {
	in := func(list []string) map[string]bool {
		m := make(map[string]bool, len(list))
		for _, s := range list {
			m[s] = true
		}
		return m
	}
	ma, mb := in(a), in(b)
	if len(ma) != len(mb) {
		return false
	}
	for s := range ma {
		if !mb[s] {
			return false
		}
	}
	return true
}
