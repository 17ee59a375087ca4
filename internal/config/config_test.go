package config

import (
	"io"
	"os"
	"path/filepath"
	"strings"
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

// TestDatabase: the store is SQLite unless a PostgreSQL URL is given, by
// flag, environment or a file the URL is read from (so the password is in
// neither ps nor the environment); a URL of anything else is refused
// without echoing it.
func TestDatabase(t *testing.T) {
	file := filepath.Join(t.TempDir(), "database")
	if err := os.WriteFile(file, []byte("postgres://ikrar:s3cret@db/ikrar\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		args []string
		env  map[string]string
		want string
		err  bool
	}{
		{"SQLite by default", nil, nil, "", false},
		{"flag", []string{"--database", "postgres://a@db/x"}, nil, "postgres://a@db/x", false},
		{"environment", nil, map[string]string{"IKRAR_DATABASE": "postgresql://b@db/x"}, "postgresql://b@db/x", false},
		{"flag over environment", []string{"--database", "postgres://a@db/x"}, map[string]string{"IKRAR_DATABASE": "postgres://b@db/x"}, "postgres://a@db/x", false},
		{"file", nil, map[string]string{"IKRAR_DATABASE_FILE": file}, "postgres://ikrar:s3cret@db/ikrar", false},
		{"environment over file", nil, map[string]string{"IKRAR_DATABASE": "postgres://b@db/x", "IKRAR_DATABASE_FILE": file}, "postgres://b@db/x", false},
		{"missing file", nil, map[string]string{"IKRAR_DATABASE_FILE": file + ".none"}, "", true},
		{"not PostgreSQL", []string{"--database", "mysql://u:hunter2@db/x"}, nil, "", true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c, err := Serve(tc.args, func(k string) string { return tc.env[k] }, io.Discard)
			if tc.err {
				if err == nil {
					t.Fatalf("accepted, database %q", c.Database)
				}
				if strings.Contains(err.Error(), "hunter2") {
					t.Errorf("the error shows the password: %v", err)
				}
				return
			}
			if err != nil || c.Database != tc.want {
				t.Errorf("database %q, %v; want %q", c.Database, err, tc.want)
			}
		})
	}
}
