// Copyright (c) The terraform-provider-ufdl authors
// SPDX-License-Identifier: Apache-2.0

// Package client is the API client of a UFDL server's docker-image catalog: a
// JWT session shared by all goroutines, retries over go-retryablehttp, typed
// errors, the lookup tables cached once per Client, and the filter language.
// It knows nothing about Terraform.
package client

import (
	"crypto/tls"
	"crypto/x509"
	"net/http"
	"net/url"
	"sync"
	"sync/atomic"
	"time"
)

// Client talks to one UFDL server as one user. It is safe for concurrent use;
// all goroutines share its session (tokens) and its lookup cache.
type Client struct {
	cfg       Config
	base      *url.URL
	host      string // base URL as shown to users: no trailing slash
	transport http.RoundTripper
	log       Logger
	secrets   *secrets
	sess      session
	tables    [tableCount]tableCache

	// reads coalesces image reads into list calls; nil with Config.SingleReads.
	reads *imageReads
	// lat is the shortest round trip measured, which sizes the coalescing window.
	lat latency
	// inflight counts the requests under way, which coalesced reads wait for.
	inflight atomic.Int64

	// clearTasksFirst remembers, for this process, that the server keeps an image whose
	// tasks are set (the real backend counts its own task links as references);
	// destroyLearned that a destroy has found out whether it does, under destroyProbe.
	clearTasksFirst atomic.Bool
	destroyLearned  atomic.Bool
	destroyProbe    sync.Mutex
}

// New checks cfg (host URL shape, CA bundle), applies defaults and returns a
// Client. It does not contact the server: call Login for that.
func New(cfg Config) (*Client, error) {
	cfg, base, err := cfg.withDefaults()
	if err != nil {
		return nil, err
	}
	tlsCfg := &tls.Config{
		MinVersion:         tls.VersionTLS12,
		InsecureSkipVerify: cfg.InsecureSkipVerify, //nolint:gosec // an explicit user setting, off by default
	}
	if len(cfg.CACertPEM) > 0 {
		pool, err := x509.SystemCertPool()
		if err != nil || pool == nil {
			pool = x509.NewCertPool()
		}
		pool.AppendCertsFromPEM(cfg.CACertPEM)
		tlsCfg.RootCAs = pool
	}
	std, ok := http.DefaultTransport.(*http.Transport)
	if !ok {
		std = &http.Transport{Proxy: http.ProxyFromEnvironment}
	}
	tr := std.Clone()
	tr.TLSClientConfig = tlsCfg
	// Terraform runs ten operations at once by default; keep their connections.
	tr.MaxIdleConnsPerHost = 16

	sec := &secrets{}
	sec.add(cfg.Password)
	var log Logger = nopLogger{}
	if cfg.Logger != nil {
		log = safeLogger{next: cfg.Logger, secrets: sec}
	}
	c := &Client{
		cfg:       cfg,
		base:      base,
		host:      base.String(),
		transport: tr,
		log:       log,
		secrets:   sec,
	}
	c.sess.now = time.Now
	if !cfg.SingleReads {
		c.reads = newImageReads(c)
	}
	return c, nil
}

// Host returns the server's base URL as configured, without a trailing slash.
func (c *Client) Host() string { return c.host }
