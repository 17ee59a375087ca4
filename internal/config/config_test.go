package config

import (
	"io"
	"testing"
)

// TestDemoListensOnLoopback: the demo, whose admin password is printed,
// answers this machine only unless told where to listen; a server that
// is not the demo keeps listening everywhere.
func TestDemoListensOnLoopback(t *testing.T) {
	tests := []struct {
		name    string
		args    []string
		env     map[string]string
		addr    string
		baseURL string
	}{
		{"demo", []string{"--demo"}, nil, "127.0.0.1:8080", "http://localhost:8080"},
		{"demo by environment", nil, map[string]string{"IKRAR_DEMO": "1"}, "127.0.0.1:8080", "http://localhost:8080"},
		{"demo opened with --addr", []string{"--demo", "--addr", ":8080", "--base-url", "http://192.168.1.20:8080"}, nil, ":8080", "http://192.168.1.20:8080"},
		{"demo opened with IKRAR_ADDR", []string{"--demo"}, map[string]string{"IKRAR_ADDR": ":9000"}, ":9000", "http://localhost:9000"},
		{"demo with a base URL only", []string{"--demo", "--base-url", "http://192.168.1.20:8080"}, nil, "127.0.0.1:8080", "http://192.168.1.20:8080"},
		{"no demo", nil, nil, ":8080", "http://localhost:8080"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c, err := Serve(tc.args, func(k string) string { return tc.env[k] }, io.Discard)
			if err != nil {
				t.Fatal(err)
			}
			if c.Addr != tc.addr || c.BaseURL != tc.baseURL {
				t.Errorf("addr %q, base URL %q; want %q, %q", c.Addr, c.BaseURL, tc.addr, tc.baseURL)
			}
		})
	}
}
