// Copyright (c) The terraform-provider-ufdl authors
// SPDX-License-Identifier: Apache-2.0

// Command ufdl-refserver runs the UFDL reference server: an in-memory
// implementation of the docker-image catalog API, for trying configurations
// without a UFDL deployment.
//
//	go run ./internal/refserver/cmd/ufdl-refserver -listen 127.0.0.1:8000 -samples
//
// Every flag also reads an environment variable (UFDL_REFSERVER_ plus the
// flag name in upper case with "_" for "-", e.g. UFDL_REFSERVER_ADMIN_PASSWORD);
// a flag given on the command line wins.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/signal"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/waikato-ufdl/terraform-provider-ufdl/internal/refserver"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Stdout, os.Stderr); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return
		}
		fmt.Fprintln(os.Stderr, "ufdl-refserver:", err)
		os.Exit(1)
	}
}

// recordLimit bounds the requests a long-running process remembers.
const recordLimit = 1000

// run starts the server, reports its URL and credentials on stdout, logs
// requests to stderr and returns once ctx is done and the server stopped.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("ufdl-refserver", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var envErr error
	env := func(flagName, def string) string {
		if v, ok := os.LookupEnv("UFDL_REFSERVER_" + strings.ToUpper(strings.ReplaceAll(flagName, "-", "_"))); ok {
			return v
		}
		return def
	}
	envDuration := func(flagName string, def time.Duration) time.Duration {
		return envParse(env(flagName, ""), def, time.ParseDuration, func(err error) {
			envErr = errors.Join(envErr, fmt.Errorf("environment for -%s: %w", flagName, err))
		})
	}
	envBool := func(flagName string) bool {
		return envParse(env(flagName, ""), false, strconv.ParseBool, func(err error) {
			envErr = errors.Join(envErr, fmt.Errorf("environment for -%s: %w", flagName, err))
		})
	}

	listen := fs.String("listen", env("listen", "127.0.0.1:8000"), "address to listen on; port 0 picks a free port")
	adminUser := fs.String("admin-user", env("admin-user", "admin"), "name of the admin (is_staff) user")
	adminPassword := fs.String("admin-password", env("admin-password", ""), "admin password (default: generated and printed)")
	userName := fs.String("user", env("user", "user"), "name of the ordinary user")
	password := fs.String("password", env("password", ""), "ordinary user's password (default: generated and printed)")
	access := fs.Duration("access-lifetime", envDuration("access-lifetime", 0), "access token lifetime (default 5m)")
	refresh := fs.Duration("refresh-lifetime", envDuration("refresh-lifetime", 0), "refresh token lifetime (default 24h; 8h with -profile ufdl-backend)")
	samples := fs.Bool("samples", envBool("samples"), "load the 23 docker images of the real deployment")
	profile := fs.String("profile", env("profile", string(refserver.ProfileDocumented)), "API to reproduce: documented or ufdl-backend")
	latency := fs.Duration("latency", envDuration("latency", 0), "delay added to every request (emulates a slow backend)")
	serial := fs.Bool("serial", envBool("serial"), "handle one request at a time (emulates the real backend)")
	signingKey := fs.String("signing-key", env("signing-key", ""), "JWT signing key (default: random per start)")
	urlFile := fs.String("url-file", env("url-file", ""), "write the server's URL to this file once listening")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("unexpected arguments: %s", strings.Join(fs.Args(), " "))
	}
	if envErr != nil {
		return envErr
	}

	srv, err := refserver.New(refserver.Options{
		AdminUser: *adminUser, AdminPassword: *adminPassword,
		User: *userName, Password: *password,
		SigningKey:     []byte(*signingKey),
		AccessLifetime: *access, RefreshLifetime: *refresh,
		Samples: *samples, Profile: refserver.Profile(*profile),
		Latency: *latency, Serial: *serial,
		Log:         stderr,
		RecordLimit: recordLimit,
	})
	if err != nil {
		return err
	}
	ln, err := net.Listen("tcp", *listen)
	if err != nil {
		return err
	}
	tcp, ok := ln.Addr().(*net.TCPAddr)
	if !ok {
		return fmt.Errorf("listening on %s: not a TCP address", ln.Addr())
	}
	url := "http://" + displayAddr(tcp)
	if *urlFile != "" {
		if err := writeAtomically(*urlFile, url+"\n"); err != nil {
			_ = ln.Close()
			return err
		}
	}
	fmt.Fprintf(stdout, "ufdl-refserver listening on %s\n", url)
	admin, adminPW, user, userPW := srv.Credentials()
	fmt.Fprintf(stdout, "admin user: %s password: %s\n", admin, shown(adminPW, *adminPassword))
	fmt.Fprintf(stdout, "user: %s password: %s\n", user, shown(userPW, *password))

	hs := &http.Server{Handler: srv, ReadHeaderTimeout: 10 * time.Second}
	served := make(chan error, 1)
	go func() { served <- hs.Serve(ln) }()
	select {
	case err := <-served:
		return err
	case <-ctx.Done():
	}
	shutdownCtx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := hs.Shutdown(shutdownCtx); err != nil {
		return err
	}
	fmt.Fprintln(stderr, "ufdl-refserver stopped")
	return nil
}

// writeAtomically writes through a temporary file and a rename, so a script
// polling for the file never reads half a URL.
func writeAtomically(path, content string) error {
	tmp := path + ".tmp"
	if err := os.WriteFile(tmp, []byte(content), 0o644); err != nil {
		return err
	}
	return os.Rename(tmp, path)
}

// shown prints generated passwords (the user needs them) but not ones the
// user chose, which they know and which should not land in logs.
func shown(actual, given string) string {
	if given != "" {
		return "(as given)"
	}
	return actual
}

// displayAddr turns a wildcard listen address into one a client can dial.
func displayAddr(a *net.TCPAddr) string {
	host := a.IP.String()
	if a.IP == nil || a.IP.IsUnspecified() {
		host = "127.0.0.1"
	}
	return net.JoinHostPort(host, strconv.Itoa(a.Port))
}

// envParse parses an environment value with parse; an empty value gives def, an unreadable
// one is reported through bad (and gives parse's zero answer, as the flag package would).
func envParse[T any](v string, def T, parse func(string) (T, error), bad func(error)) T {
	if v == "" {
		return def
	}
	t, err := parse(v)
	if err != nil {
		bad(err)
	}
	return t
}
