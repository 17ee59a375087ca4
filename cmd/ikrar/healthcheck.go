package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// cmdHealthcheck asks a running server's /readyz and exits 0 only when it
// answers 200: a container image without a shell or curl runs it as its
// HEALTHCHECK. Without a URL it asks the address the server is configured
// to listen on (IKRAR_ADDR, default :8080) on the loopback interface.
func cmdHealthcheck(ctx context.Context, args []string, stdout, stderr io.Writer, getenv func(string) string) error {
	if len(args) > 1 || (len(args) == 1 && strings.HasPrefix(args[0], "-")) {
		return exitError{code: 2, msg: "pemakaian / usage: ikrar healthcheck [URL]"}
	}
	target, err := healthURL(args, getenv)
	if err != nil {
		return exitError{code: 2, msg: err.Error()}
	}
	ctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, target, nil)
	if err != nil {
		return exitError{code: 2, msg: err.Error()}
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		return exitError{code: 1, msg: fmt.Sprintf("tidak siap: server tidak menjawab / not ready: no answer from %s: %v", target, err)}
	}
	defer res.Body.Close()
	var st struct{ Code, Reason string }
	json.NewDecoder(io.LimitReader(res.Body, 64<<10)).Decode(&st)
	if res.StatusCode != http.StatusOK {
		return exitError{code: 1, msg: fmt.Sprintf("tidak siap / not ready: %s %d %s %s", target, res.StatusCode, st.Code, st.Reason)}
	}
	fmt.Fprintf(stdout, "siap / ready: %s\n", target)
	return nil
}

// healthURL is the /readyz URL to ask: the argument (a base URL gets
// /readyz appended) or the configured listen address on the loopback.
func healthURL(args []string, getenv func(string) string) (string, error) {
	if len(args) == 1 {
		u, err := url.Parse(args[0])
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return "", fmt.Errorf("URL %q harus http(s) mutlak / must be an absolute http(s) URL", args[0])
		}
		if u.Path == "" || u.Path == "/" {
			u.Path = "/readyz"
		}
		return u.String(), nil
	}
	addr := getenv("IKRAR_ADDR")
	if addr == "" {
		addr = ":8080"
	}
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return "", fmt.Errorf("IKRAR_ADDR %q: %w", addr, err)
	}
	if host == "" || host == "0.0.0.0" || host == "::" {
		host = "127.0.0.1"
	}
	return "http://" + net.JoinHostPort(host, port) + "/readyz", nil
}
