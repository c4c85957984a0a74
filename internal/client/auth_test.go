// Copyright (c) The terraform-provider-ufdl authors
// SPDX-License-Identifier: Apache-2.0

package client

import (
	"context"
	"errors"
	"net/http"
	"sync"
	"testing"
	"time"
)

func TestLoginRefused(t *testing.T) {
	f := newFake(t)
	c := f.client(func(cfg *Config) { cfg.Password = "wrong-one" })
	err := c.Login(context.Background())
	var le *LoginError
	if !errors.As(err, &le) {
		t.Fatalf("got %T %v, want *LoginError", err, err)
	}
	want := `login as "admin" was refused by the server: No active account found with the given credentials`
	if err.Error() != want {
		t.Errorf("error = %q, want %q", err.Error(), want)
	}
	if !IsUnauthorized(err) {
		t.Error("IsUnauthorized false for a refused login")
	}
	f.wantCalls("POST /v1/auth/obtain", 1, "(a 401 is not retried)")
}

func TestLoginOnceLazily(t *testing.T) {
	f := newFake(t)
	c := f.client()
	ctx := context.Background()
	for i := 0; i < 3; i++ {
		if _, err := c.ListImages(ctx, nil); err != nil {
			t.Fatal(err)
		}
	}
	f.wantCalls("POST /v1/auth/obtain", 1)
}

func TestConcurrentFirstCallsLogInOnce(t *testing.T) {
	f := newFake(t)
	c := f.client()
	runConcurrently(t, func() error { _, err := c.ListImages(context.Background(), nil); return err })
	f.wantCalls("POST /v1/auth/obtain", 1)
	f.wantCalls("POST /v1/docker/list", 20)
}

// Twenty goroutines all meet an expired access token: one refresh serves them all.
func TestSingleFlightRefresh(t *testing.T) {
	f := newFake(t)
	getConcurrentlyAfter(t, f, f.loggedIn(), f.revokeAccess)
	f.wantCalls("POST /v1/auth/refresh", 1)
	f.wantCalls("POST /v1/auth/obtain", 1, "(the initial login)")
	f.wantCalls("GET /v1/docker/{pk}", 2*concurrentCallers, "(one 401 and one retry each)")
}

// When the refresh token is rejected too (signing key rotated), the client logs
// in again, once for all goroutines.
func TestSingleFlightReloginWhenRefreshRejected(t *testing.T) {
	f := newFake(t)
	log := &captureLogger{}
	getConcurrentlyAfter(t, f, f.loggedIn(func(cfg *Config) { cfg.Logger = log }), f.revokeAll)
	f.wantCalls("POST /v1/auth/refresh", 1)
	f.wantCalls("POST /v1/auth/obtain", 2, "(initial + one re-login)")
	var warned int
	for _, l := range log.all() {
		if l.level == "warn" && l.msg == "UFDL refresh token rejected; logging in again" {
			warned++
		}
	}
	if warned != 1 {
		t.Errorf("re-login warnings = %d, want 1", warned)
	}
}

// getConcurrentlyAfter stores an image, lets revoke invalidate c's tokens, then has
// concurrentCallers goroutines get the image at once. The refresh is held
// until every goroutine has been refused, so that all of them wait on the same
// renewal.
func getConcurrentlyAfter(t *testing.T, f *fake, c *Client, revoke func()) {
	t.Helper()
	pk := f.put(yoloSpec())
	revoke()
	var refused sync.WaitGroup
	refused.Add(concurrentCallers)
	f.intercept("GET", "/v1/docker/{pk}", concurrentCallers, func(*fake, http.ResponseWriter, *http.Request, []byte) bool {
		refused.Done()
		return false
	})
	f.onRefresh = refused.Wait
	runConcurrently(t, func() error { _, err := c.GetImage(context.Background(), pk); return err })
}

// A server that refuses every token makes the call fail after one renewal and
// one retry: no loop.
func TestUnauthorizedNeverLoops(t *testing.T) {
	f := newFake(t)
	f.intercept("GET", "/v1/docker/{pk}", -1, status(401, "application/json", `{"detail": "Given token not valid for any token type"}`))
	c := f.client()
	_, err := c.GetImage(context.Background(), 1)
	if !IsUnauthorized(err) {
		t.Fatalf("got %v, want 401", err)
	}
	f.wantCalls("GET /v1/docker/{pk}", 2)
	f.wantCalls("POST /v1/auth/refresh", 1)
	f.wantCalls("POST /v1/auth/obtain", 1)
}

// A password changed on the server while the client runs: the re-login after
// a rejected refresh fails with a LoginError, not a loop.
func TestReloginRefused(t *testing.T) {
	f := newFake(t)
	c := f.loggedIn()
	f.mu.Lock()
	f.password = "changed"
	f.mu.Unlock()
	f.revokeAll()
	_, err := c.ListImages(context.Background(), nil)
	var le *LoginError
	if !errors.As(err, &le) {
		t.Fatalf("got %T %v, want *LoginError", err, err)
	}
	f.wantCalls("POST /v1/docker/list", 1)
}

// Access tokens that say when they expire are renewed just before, saving the
// 401 round trip; the lifetime is measured on the local clock.
func TestProactiveRenewal(t *testing.T) {
	f := newFake(t)
	f.issueJWTLike = true // iat 1000, exp 1060: a 60 s lifetime
	c := f.client()
	now := time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC)
	var clock sync.Mutex
	c.sess.now = func() time.Time { clock.Lock(); defer clock.Unlock(); return now }
	advance := func(d time.Duration) { clock.Lock(); now = now.Add(d); clock.Unlock() }
	ctx := context.Background()
	if err := c.Login(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := c.ListImages(ctx, nil); err != nil {
		t.Fatal(err)
	}
	advance(50 * time.Second) // before 60 s - 6 s margin
	if _, err := c.ListImages(ctx, nil); err != nil {
		t.Fatal(err)
	}
	f.wantCalls("POST /v1/auth/refresh", 0, "(after 50 s)")
	advance(5 * time.Second) // 55 s: inside the margin
	if _, err := c.ListImages(ctx, nil); err != nil {
		t.Fatal(err)
	}
	f.wantCalls("POST /v1/auth/refresh", 1, "(after 55 s)")
	f.wantCalls("POST /v1/docker/list", 3, "(no 401 round trip)")
}

func TestRenewTime(t *testing.T) {
	at := time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC)
	for _, tc := range []struct {
		name, token string
		want        time.Time
	}{
		{"opaque", "acc-1-tok", time.Time{}},
		{"5 minutes", jwtLike(`{"iat": 100, "exp": 400}`), at.Add(270 * time.Second)},
		{"8 hours: margin capped at 30 s", jwtLike(`{"iat": 0, "exp": 28800}`), at.Add(8*time.Hour - 30*time.Second)},
		{"1 second", jwtLike(`{"iat": 5, "exp": 6}`), at.Add(900 * time.Millisecond)},
		{"no iat", jwtLike(`{"exp": 400}`), time.Time{}},
		{"negative", jwtLike(`{"iat": 400, "exp": 100}`), time.Time{}},
		{"bad base64", "a.!!!.c", time.Time{}},
	} {
		if got := renewTime(tc.token, at); !got.Equal(tc.want) {
			t.Errorf("%s: %v, want %v", tc.name, got, tc.want)
		}
	}
}

// A renewal led by a goroutine whose context is cancelled does not fail the
// goroutines waiting on it.
func TestCancelledLeaderDoesNotFailWaiters(t *testing.T) {
	f := newFake(t)
	c := f.loggedIn()
	ctx := context.Background()
	f.revokeAll()
	leaderCtx, cancelLeader := context.WithCancel(ctx)
	inRefresh := make(chan struct{})
	var once sync.Once
	f.onRefresh = func() {
		once.Do(func() {
			close(inRefresh)
			cancelLeader()
		})
	}
	leaderErr := make(chan error, 1)
	go func() {
		_, err := c.ListImages(leaderCtx, nil)
		leaderErr <- err
	}()
	<-inRefresh
	if _, err := c.ListImages(ctx, nil); err != nil {
		t.Fatalf("waiter failed: %v", err)
	}
	if err := <-leaderErr; !errors.Is(err, context.Canceled) {
		t.Errorf("leader: %v, want context.Canceled", err)
	}
}

// concurrentCallers is how many goroutines runConcurrently starts: twice Terraform's
// default parallelism.
const concurrentCallers = 20

func runConcurrently(t *testing.T, fn func() error) {
	t.Helper()
	var wg sync.WaitGroup
	errs := make(chan error, concurrentCallers)
	for i := 0; i < concurrentCallers; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if err := fn(); err != nil {
				errs <- err
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
}
