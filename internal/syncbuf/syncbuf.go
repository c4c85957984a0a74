// Copyright (c) The terraform-provider-ufdl authors
// SPDX-License-Identifier: Apache-2.0

// Package syncbuf holds a bytes.Buffer that several goroutines may write while another reads
// it: the log or stderr of a server or child process that a test inspects.
package syncbuf

import (
	"bytes"
	"sync"
)

// Buffer is a concurrency-safe io.Writer whose contents String returns. The zero value is
// ready to use.
type Buffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *Buffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

// String returns everything written so far.
func (s *Buffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}
