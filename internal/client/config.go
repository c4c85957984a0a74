// Copyright (c) The terraform-provider-ufdl authors
// SPDX-License-Identifier: Apache-2.0

package client

import (
	"crypto/x509"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/url"
	"strings"
	"time"
)

// Defaults applied by New to zero-valued Config fields, and the defaults of MaxRetries.
const (
	DefaultRequestTimeout = 30 * time.Second
	DefaultMaxRetries     = 4
	DefaultRetryWaitMin   = 500 * time.Millisecond
	DefaultRetryWaitMax   = 10 * time.Second
	DefaultUserAgent      = "terraform-provider-ufdl"
)

// Limits of the settings that users choose, for the settings' own validation (the provider's
// schema); a Config itself only refuses negative values.
const (
	MinRequestTimeout = time.Second
	MaxRequestTimeout = time.Hour
	MaxMaxRetries     = 20
)

// Config holds everything New needs to talk to one UFDL server.
//
// Printing a Config with fmt, encoding/json or log/slog never shows the password:
// the value is masked as "***".
type Config struct {
	// Host is the server's base URL, e.g. "http://127.0.0.1:8000". A trailing slash
	// is tolerated; a path prefix (a deployment under "/ufdl") is kept.
	Host     string
	Username string
	Password string

	// CACertPEM is an extra CA bundle in PEM form, added to the system roots.
	CACertPEM []byte
	// InsecureSkipVerify turns off TLS certificate checks; off by default.
	InsecureSkipVerify bool

	// RequestTimeout bounds one HTTP attempt (not the whole call with its retries).
	// Zero means DefaultRequestTimeout.
	RequestTimeout time.Duration
	// MaxRetries is the number of retries after the first attempt: DefaultMaxRetries is the
	// usual choice, 0 means none.
	MaxRetries int
	// RetryWaitMin and RetryWaitMax bound the jittered exponential back-off.
	// Zero means DefaultRetryWaitMin / DefaultRetryWaitMax.
	RetryWaitMin time.Duration
	RetryWaitMax time.Duration

	// SingleReads makes every image read, look-up and read-back a call of its own, instead of
	// sharing list calls with the reads made at the same time (only to compare the two).
	SingleReads bool

	// UserAgent is sent with every request; empty means DefaultUserAgent.
	UserAgent string
	// Logger receives the client's log lines; nil discards them.
	Logger Logger
}

// ConfigError reports a Config field that New refused. Field is the Go field name
// (e.g. "Host", "CACertPEM") so that a caller can point at its own setting.
type ConfigError struct {
	Field   string
	Message string
}

func (e *ConfigError) Error() string {
	return "invalid client configuration: " + e.Field + ": " + e.Message
}

// Problems lists every field of cfg that New would refuse, in field order, each naming its
// field: a caller can point at its own setting for each.
func (cfg Config) Problems() []*ConfigError {
	var out []*ConfigError
	if _, err := parseHost(cfg.Host); err != nil {
		out = append(out, err)
	}
	if cfg.Username == "" {
		out = append(out, &ConfigError{Field: "Username", Message: "must not be empty"})
	}
	if cfg.Password == "" {
		out = append(out, &ConfigError{Field: "Password", Message: "must not be empty"})
	}
	if len(cfg.CACertPEM) > 0 && !x509.NewCertPool().AppendCertsFromPEM(cfg.CACertPEM) {
		out = append(out, &ConfigError{Field: "CACertPEM", Message: "contains no PEM-encoded certificate that parses"})
	}
	if cfg.RequestTimeout < 0 {
		out = append(out, &ConfigError{Field: "RequestTimeout", Message: "must not be negative"})
	}
	if cfg.MaxRetries < 0 {
		out = append(out, &ConfigError{Field: "MaxRetries", Message: "must not be negative"})
	}
	if cfg.RetryWaitMin < 0 || cfg.RetryWaitMax < 0 {
		out = append(out, &ConfigError{Field: "RetryWaitMin", Message: "back-off bounds must not be negative"})
	} else if cfg.RetryWaitMax != 0 && cfg.RetryWaitMax < cfg.RetryWaitMin {
		out = append(out, &ConfigError{Field: "RetryWaitMax", Message: fmt.Sprintf("%s is less than RetryWaitMin %s", cfg.RetryWaitMax, cfg.RetryWaitMin)})
	}
	return out
}

// withDefaults returns a copy of cfg with zero values replaced by defaults, or the first of
// its Problems.
func (cfg Config) withDefaults() (Config, *url.URL, error) {
	if problems := cfg.Problems(); len(problems) > 0 {
		return cfg, nil, problems[0]
	}
	base, _ := parseHost(cfg.Host)
	if cfg.RequestTimeout == 0 {
		cfg.RequestTimeout = DefaultRequestTimeout
	}
	if cfg.RetryWaitMin == 0 {
		cfg.RetryWaitMin = DefaultRetryWaitMin
	}
	if cfg.RetryWaitMax == 0 {
		cfg.RetryWaitMax = max(DefaultRetryWaitMax, cfg.RetryWaitMin)
	}
	if cfg.UserAgent == "" {
		cfg.UserAgent = DefaultUserAgent
	}
	return cfg, base, nil
}

// parseHost checks the host URL's shape. Credentials in the URL are refused
// because they would end up in logs and error messages.
func parseHost(host string) (*url.URL, *ConfigError) {
	host = strings.TrimSpace(host)
	if host == "" {
		return nil, &ConfigError{Field: "Host", Message: "must not be empty"}
	}
	if !strings.Contains(host, "://") {
		return nil, &ConfigError{Field: "Host", Message: fmt.Sprintf("%q must start with http:// or https://", host)}
	}
	u, err := url.Parse(host)
	if err != nil {
		return nil, &ConfigError{Field: "Host", Message: fmt.Sprintf("%q is not a URL", host)}
	}
	switch {
	case u.Scheme != "http" && u.Scheme != "https":
		return nil, &ConfigError{Field: "Host", Message: fmt.Sprintf("%q must start with http:// or https://", host)}
	case u.Host == "" || u.Hostname() == "":
		return nil, &ConfigError{Field: "Host", Message: fmt.Sprintf("%q has no host name", host)}
	case u.User != nil:
		return nil, &ConfigError{Field: "Host", Message: "must not contain credentials; use the username and password settings"}
	case u.RawQuery != "" || u.Fragment != "" || u.ForceQuery:
		return nil, &ConfigError{Field: "Host", Message: fmt.Sprintf("%q must not have a query or fragment", host)}
	}
	u.Path = strings.TrimRight(u.Path, "/")
	u.RawPath = ""
	if base, ok := apiPrefixIn(u.Path); ok {
		fixed := *u
		fixed.Path = base
		return nil, &ConfigError{Field: "Host", Message: fmt.Sprintf("%q includes /%s, the API's own prefix, which the client adds to every path "+
			"(a login would go to %s/%s/auth/obtain): write %q", host, apiVersion, u.String(), apiVersion, fixed.String())}
	}
	return u, nil
}

// apiVersion is the first segment of every API path ("/v1/docker/list").
const apiVersion = "v1"

// apiPrefixIn reports whether path, a host URL's path, holds the API's own prefix as a
// segment ("/v1", "/ufdl/v1", "/v1/docker"), and returns the part before it: the base URL
// the user meant. The real backend's auth routes match anywhere in the path, so such a host
// would log in and then answer every other call 404.
func apiPrefixIn(path string) (string, bool) {
	segments := strings.Split(path, "/")
	for i, seg := range segments {
		if seg == apiVersion {
			return strings.Join(segments[:i], "/"), true
		}
	}
	return "", false
}

// masked is the printable form of a Config: the password and the CA bundle are
// replaced by what a reader needs to know about them.
func (cfg Config) masked() map[string]any {
	password := ""
	if cfg.Password != "" {
		password = "***"
	}
	logger := "nil"
	if cfg.Logger != nil {
		logger = fmt.Sprintf("%T", cfg.Logger)
	}
	return map[string]any{
		"Host":               cfg.Host,
		"Username":           cfg.Username,
		"Password":           password,
		"CACertPEM":          fmt.Sprintf("%d bytes", len(cfg.CACertPEM)),
		"InsecureSkipVerify": cfg.InsecureSkipVerify,
		"RequestTimeout":     cfg.RequestTimeout.String(),
		"MaxRetries":         cfg.MaxRetries,
		"RetryWaitMin":       cfg.RetryWaitMin.String(),
		"RetryWaitMax":       cfg.RetryWaitMax.String(),
		"SingleReads":        cfg.SingleReads,
		"UserAgent":          cfg.UserAgent,
		"Logger":             logger,
	}
}

// String prints the Config with the password masked.
func (cfg Config) String() string {
	m := cfg.masked()
	return fmt.Sprintf("client.Config{Host:%q Username:%q Password:%q CACertPEM:%s InsecureSkipVerify:%v RequestTimeout:%s MaxRetries:%d RetryWaitMin:%s RetryWaitMax:%s SingleReads:%v UserAgent:%q Logger:%s}",
		m["Host"], m["Username"], m["Password"], m["CACertPEM"], m["InsecureSkipVerify"], m["RequestTimeout"],
		m["MaxRetries"], m["RetryWaitMin"], m["RetryWaitMax"], m["SingleReads"], m["UserAgent"], m["Logger"])
}

// GoString makes %#v print the masked form too.
func (cfg Config) GoString() string { return cfg.String() }

// Format handles every fmt verb, so no verb (%v, %+v, %#v, %s, %q, %x) can reach
// the raw fields.
func (cfg Config) Format(f fmt.State, verb rune) {
	s := cfg.String()
	if verb == 'q' {
		s = fmt.Sprintf("%q", s)
	}
	_, _ = f.Write([]byte(s))
}

// MarshalJSON keeps the password out of JSON dumps of the Config.
func (cfg Config) MarshalJSON() ([]byte, error) { return json.Marshal(cfg.masked()) }

// LogValue keeps the password out of log/slog output.
func (cfg Config) LogValue() slog.Value { return slog.StringValue(cfg.String()) }
