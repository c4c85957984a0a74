// Copyright (c) The terraform-provider-ufdl authors
// SPDX-License-Identifier: Apache-2.0

package client

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"sync"

	"github.com/hashicorp/go-retryablehttp"
)

// Logger receives the client's log lines. The provider adapts it to tflog; fields
// never carry tokens, passwords or Authorization headers.
type Logger interface {
	Debug(ctx context.Context, msg string, fields map[string]any)
	Info(ctx context.Context, msg string, fields map[string]any)
	Warn(ctx context.Context, msg string, fields map[string]any)
	Error(ctx context.Context, msg string, fields map[string]any)
}

type nopLogger struct{}

func (nopLogger) Debug(context.Context, string, map[string]any) {}
func (nopLogger) Info(context.Context, string, map[string]any)  {}
func (nopLogger) Warn(context.Context, string, map[string]any)  {}
func (nopLogger) Error(context.Context, string, map[string]any) {}

// secrets is the set of strings that must never leave the client in a log line or
// an error: the login password and every token the session has held. The set only
// grows; it stays tiny (two tokens per renewal).
type secrets struct {
	mu   sync.RWMutex
	list []string
}

func (s *secrets) add(values ...string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, v := range values {
		if v != "" && !slices.Contains(s.list, v) {
			s.list = append(s.list, v)
		}
	}
}

// scrub replaces every known secret, and every extra one, in text by "***".
func (s *secrets) scrub(text string, extra ...string) string {
	if text == "" {
		return text
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	for _, v := range s.list {
		text = strings.ReplaceAll(text, v, "***")
	}
	for _, v := range extra {
		if v != "" {
			text = strings.ReplaceAll(text, v, "***")
		}
	}
	return text
}

// SecretKeyWords name secrets: a log field or JSON key that contains one of them, in any
// case ("registry_password", "Authorization"), holds a secret by itself.
var SecretKeyWords = []string{"password", "token", "authorization", "secret", "access", "refresh", "cookie"}

// sensitiveKey says whether a log field or JSON key names a secret by itself.
func sensitiveKey(key string) bool {
	k := strings.ToLower(key)
	return slices.ContainsFunc(SecretKeyWords, func(w string) bool { return strings.Contains(k, w) })
}

// safeLogger masks secrets in every line before it reaches the caller's Logger:
// fields whose name looks secret are replaced, and known secret values are
// scrubbed from the message and from every string-valued field.
type safeLogger struct {
	next    Logger
	secrets *secrets
}

func (l safeLogger) clean(msg string, fields map[string]any) (string, map[string]any) {
	out := make(map[string]any, len(fields))
	for k, v := range fields {
		switch {
		case sensitiveKey(k):
			out[k] = "***"
		default:
			switch x := v.(type) {
			case string:
				out[k] = l.secrets.scrub(x)
			case error:
				out[k] = l.secrets.scrub(x.Error())
			case fmt.Stringer:
				out[k] = l.secrets.scrub(x.String())
			default:
				out[k] = v
			}
		}
	}
	return l.secrets.scrub(msg), out
}

func (l safeLogger) Debug(ctx context.Context, msg string, fields map[string]any) {
	l.pass(ctx, l.next.Debug, msg, fields)
}

func (l safeLogger) Info(ctx context.Context, msg string, fields map[string]any) {
	l.pass(ctx, l.next.Info, msg, fields)
}

func (l safeLogger) Warn(ctx context.Context, msg string, fields map[string]any) {
	l.pass(ctx, l.next.Warn, msg, fields)
}

func (l safeLogger) Error(ctx context.Context, msg string, fields map[string]any) {
	l.pass(ctx, l.next.Error, msg, fields)
}

// pass hands the cleaned line to one level of the caller's Logger.
func (l safeLogger) pass(ctx context.Context, level func(context.Context, string, map[string]any), msg string, fields map[string]any) {
	msg, fields = l.clean(msg, fields)
	level(ctx, msg, fields)
}

// retryLogger adapts go-retryablehttp's LeveledLogger to Logger. The library's
// lines duplicate the client's own per-attempt lines, so all of them go to Debug,
// tagged with their source; the client reports retries and failures itself.
type retryLogger struct {
	ctx context.Context
	log Logger
}

var _ retryablehttp.LeveledLogger = retryLogger{}

func (r retryLogger) fields(level string, kv []any) map[string]any {
	f := map[string]any{"source": "go-retryablehttp", "library_level": level}
	for i := 0; i+1 < len(kv); i += 2 {
		f[fmt.Sprint(kv[i])] = kv[i+1]
	}
	return f
}

func (r retryLogger) Error(msg string, kv ...any) { r.log.Debug(r.ctx, msg, r.fields("error", kv)) }
func (r retryLogger) Info(msg string, kv ...any)  { r.log.Debug(r.ctx, msg, r.fields("info", kv)) }
func (r retryLogger) Debug(msg string, kv ...any) { r.log.Debug(r.ctx, msg, r.fields("debug", kv)) }
func (r retryLogger) Warn(msg string, kv ...any)  { r.log.Debug(r.ctx, msg, r.fields("warn", kv)) }

// maskBody returns a JSON request body fit for a log line: secret-looking keys
// (registry_password, password, refresh...) at any depth are replaced by "***"
// unless null. Bodies that are not JSON are not shown at all.
func maskBody(body []byte) string {
	if len(body) == 0 {
		return ""
	}
	var v any
	if err := json.Unmarshal(body, &v); err != nil {
		return fmt.Sprintf("(%d bytes, not JSON)", len(body))
	}
	out, err := marshalJSON(maskValue(v))
	if err != nil {
		return fmt.Sprintf("(%d bytes)", len(body))
	}
	return string(out)
}

func maskValue(v any) any {
	switch x := v.(type) {
	case map[string]any:
		// A filter expression on a secret field carries the secret in value/sub_string.
		if f, ok := x["field"].(string); ok && sensitiveKey(f) {
			for _, k := range []string{"value", "sub_string"} {
				if e, ok := x[k]; ok && e != nil {
					x[k] = "***"
				}
			}
		}
		for k, e := range x {
			if sensitiveKey(k) && e != nil {
				x[k] = "***"
			} else {
				x[k] = maskValue(e)
			}
		}
		return x
	case []any:
		for i, e := range x {
			x[i] = maskValue(e)
		}
		return x
	default:
		return v
	}
}
