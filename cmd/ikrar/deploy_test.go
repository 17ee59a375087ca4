package main

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"fmt"
	"math/big"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/ikrar-id/ikrar/internal/roster"
)

// The files under deploy/ are checked by the tools that will read them
// (systemd-analyze, nginx, caddy; .ci/run installs them), and against the
// service's own bounds.

// uploadBodyBytes is the largest body ikrar takes on a roster upload: the
// file and the form around it (internal/web's maxUploadBytes).
const uploadBodyBytes = roster.MaxFileBytes + 1<<20

// uploadRoutePattern is the proxies' pattern of the upload routes.
const uploadRoutePattern = `^/(admin/orgs/[0-9]+/import|admin/events/[0-9]+/participants/import|api/v1/organizations/[0-9]+/employees/import)$`

func readDeploy(t *testing.T, name string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "..", "deploy", name))
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// unitValue is the last value of key in a unit file, "" if unset.
func unitValue(unit, key string) string {
	v := ""
	for _, line := range strings.Split(unit, "\n") {
		if k, val, ok := strings.Cut(line, "="); ok && strings.TrimSpace(k) == key {
			v = strings.TrimSpace(val)
		}
	}
	return v
}

func TestSystemdUnit(t *testing.T) {
	unit := readDeploy(t, "ikrar.service")
	for key, want := range map[string]string{
		"ProtectSystem": "strict", "StateDirectory": "ikrar", "NoNewPrivileges": "yes", "PrivateTmp": "yes",
		"CapabilityBoundingSet": "", "EnvironmentFile": "/etc/ikrar/ikrar.env", "User": "ikrar",
	} {
		if !strings.Contains(unit, "\n"+key+"=") || unitValue(unit, key) != want {
			t.Errorf("%s=%q, want %q", key, unitValue(unit, key), want)
		}
	}
	stop, err := time.ParseDuration(unitValue(unit, "TimeoutStopSec"))
	if err != nil || stop <= shutdownGrace {
		t.Errorf("TimeoutStopSec=%s: systemd would kill ikrar before its %s drain ends", unitValue(unit, "TimeoutStopSec"), shutdownGrace)
	}
	if n, err := strconv.Atoi(unitValue(unit, "LimitNOFILE")); err != nil || n < 16384 {
		t.Errorf("LimitNOFILE=%q: every live dashboard holds a connection", unitValue(unit, "LimitNOFILE"))
	}

	analyze := needTool(t, "systemd-analyze", "systemd")
	// verify checks that ExecStart's program exists: point it at this
	// test's binary. It reports problems on stderr with status 0.
	self, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	path := filepath.Join(dir, "ikrar.service")
	if err := os.WriteFile(path, []byte(strings.Replace(unit, "/usr/local/bin/ikrar", self, 1)), 0o644); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(analyze, "verify", path).CombinedOutput()
	if err != nil || len(strings.TrimSpace(string(out))) > 0 {
		t.Errorf("systemd-analyze verify: %v\n%s", err, out)
	}
}

func TestNginxConfig(t *testing.T) {
	conf := readDeploy(t, "nginx/ikrar.conf")
	checkProxyConfig(t, conf, `client_max_body_size (\d+)m;\s*proxy_request_buffering off;`, 1<<20)
	for _, want := range []string{
		"location ~ ^/admin/events/[0-9]+/(live|projector)/events$ {\n\t\tproxy_buffering off;",
		"location ~ " + uploadRoutePattern + " {",
		"proxy_set_header X-Forwarded-For $remote_addr;", "proxy_set_header X-Forwarded-Proto $scheme;",
	} {
		if !strings.Contains(conf, want) {
			t.Errorf("nginx config lacks %q", want)
		}
	}

	nginx := needTool(t, "nginx", "nginx")
	dir := t.TempDir()
	mustSelfSigned(t, dir)
	conf = strings.ReplaceAll(conf, "/etc/letsencrypt/live/ikrar.example.go.id", dir)
	main := fmt.Sprintf("pid %[1]s/nginx.pid;\nerror_log %[1]s/error.log;\nevents {}\nhttp {\n"+
		"client_body_temp_path %[1]s/body;\nproxy_temp_path %[1]s/proxy;\naccess_log off;\ninclude %[1]s/ikrar.conf;\n}\n", dir)
	for name, body := range map[string]string{"ikrar.conf": conf, "nginx.conf": main} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	out, err := exec.Command(nginx, "-t", "-p", dir, "-c", filepath.Join(dir, "nginx.conf"), "-e", filepath.Join(dir, "error.log")).CombinedOutput()
	if err != nil || strings.Contains(string(out), "[warn]") {
		t.Errorf("nginx -t: %v\n%s", err, out)
	}
}

func TestCaddyfile(t *testing.T) {
	conf := readDeploy(t, "Caddyfile")
	checkProxyConfig(t, conf, `request_body @upload \{\s*max_size (\d+)MiB`, 1<<20)
	for _, want := range []string{
		"@upload path_regexp upload " + uploadRoutePattern,
		"@other not path_regexp " + uploadRoutePattern,
		"@events path_regexp events ^/admin/events/[0-9]+/(live|projector)/events$",
		"flush_interval -1",
	} {
		if !strings.Contains(conf, want) {
			t.Errorf("Caddyfile lacks %q", want)
		}
	}

	caddy := needTool(t, "caddy", "caddy")
	home := t.TempDir()
	cmd := exec.Command(caddy, "validate", "--config", filepath.Join("..", "..", "deploy", "Caddyfile"), "--adapter", "caddyfile")
	cmd.Env = append(os.Environ(), "HOME="+home, "XDG_DATA_HOME="+home, "XDG_CONFIG_HOME="+home)
	out, err := cmd.CombinedOutput()
	if err != nil || !strings.Contains(string(out), "Valid configuration") {
		t.Errorf("caddy validate: %v\n%s", err, out)
	}
}

// checkProxyConfig checks that the proxy lets a whole roster upload through
// (the limit matched by uploadLimit, in units of unit bytes) without
// letting much more reach the service.
func checkProxyConfig(t *testing.T, conf, uploadLimit string, unit int64) {
	t.Helper()
	m := regexp.MustCompile(uploadLimit).FindStringSubmatch(conf)
	if m == nil {
		t.Fatalf("no upload body limit matching %s", uploadLimit)
	}
	n, _ := strconv.ParseInt(m[1], 10, 64)
	if got := n * unit; got < uploadBodyBytes || got > uploadBodyBytes+4<<20 {
		t.Errorf("upload body limit %d bytes, ikrar takes %d", got, uploadBodyBytes)
	}
}

func TestComposeAndDockerfile(t *testing.T) {
	compose := readDeploy(t, "compose.yaml")
	m := regexp.MustCompile(`stop_grace_period: (\S+)`).FindStringSubmatch(compose)
	if m == nil {
		t.Fatal("compose.yaml sets no stop_grace_period: Docker kills after 10 s")
	}
	if d, err := time.ParseDuration(m[1]); err != nil || d <= shutdownGrace {
		t.Errorf("stop_grace_period %s: Docker would kill ikrar before its %s drain ends", m[1], shutdownGrace)
	}
	for _, want := range []string{`test: ["CMD", "/ikrar", "healthcheck"]`, "IKRAR_TRUSTED_PROXIES: 172.30.80.0/24", "subnet: 172.30.80.0/24", "ikrar-data:/data"} {
		if !strings.Contains(compose, want) {
			t.Errorf("compose.yaml lacks %q", want)
		}
	}
	docker, err := os.ReadFile(filepath.Join("..", "..", "Dockerfile"))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(docker), `HEALTHCHECK --interval=15s --timeout=5s --start-period=60s --retries=3 CMD ["/ikrar", "healthcheck"]`) {
		t.Error("Dockerfile lacks the HEALTHCHECK running `ikrar healthcheck`")
	}
}

// mustSelfSigned writes fullchain.pem and privkey.pem into dir.
func mustSelfSigned(t *testing.T, dir string) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "ikrar.example.go.id"},
		DNSNames: []string{"ikrar.example.go.id"}, NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour)}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	kder, err := x509.MarshalECPrivateKey(key)
	if err != nil {
		t.Fatal(err)
	}
	for name, b := range map[string]*pem.Block{"fullchain.pem": {Type: "CERTIFICATE", Bytes: der}, "privkey.pem": {Type: "EC PRIVATE KEY", Bytes: kder}} {
		if err := os.WriteFile(filepath.Join(dir, name), pem.EncodeToMemory(b), 0o600); err != nil {
			t.Fatal(err)
		}
	}
}
