package main

import (
	"bytes"
	"slices"
	"strings"
	"testing"

	"github.com/ikrar-id/ikrar/internal/registry"
)

// TestDemoPasswordPassesPolicy: the demo password the README prints is one
// the demo admin could have chosen; "ikrar-demo-2024" was not (it holds
// "demo", a part of the demo admin's name).
func TestDemoPasswordPassesPolicy(t *testing.T) {
	u := registry.User{Email: demoEmail, Name: demoName}
	if err := registry.CheckPasswordPolicy(demoPassword, u); err != nil {
		t.Fatalf("demo password %q: %v", demoPassword, err)
	}
	if err := registry.CheckPasswordPolicy("ikrar-demo-2024", u); err == nil {
		t.Fatal("the old demo password passes the policy; the test no longer tells anything")
	}
}

// TestDemoBanner: each NIP the demo suggests is printed with its owner's
// name; after a restart it suggests only people who have not signed; a
// demo on the loopback says so, and how to open it to phones.
func TestDemoBanner(t *testing.T) {
	ctx := t.Context()
	dir := t.TempDir()
	a, err := openApp(ctx, dir, "localhost:8080/ikrar")
	if err != nil {
		t.Fatal(err)
	}
	defer func() { a.Close() }()
	var out bytes.Buffer
	if err := seedDemo(ctx, a, "http://localhost:8080", "127.0.0.1:8080", &out); err != nil {
		t.Fatal(err)
	}
	first := parseDemo(t, out.String())
	for _, n := range first.NIPs {
		emp, err := a.db.EmployeeByNIP(ctx, "/", strings.ReplaceAll(n, " ", ""))
		if err != nil {
			t.Fatalf("suggested NIP %s: %v", n, err)
		}
		if first.Names[n] != emp.FullName() {
			t.Errorf("banner pairs %s with %q; it is %q's", n, first.Names[n], emp.FullName())
		}
	}
	if !strings.Contains(out.String(), "hanya komputer ini (127.0.0.1:8080)") || !strings.Contains(out.String(), "--addr :8080 --base-url http://<IP-LAN>:8080") {
		t.Errorf("a loopback demo does not say who can reach it:\n%s", out.String())
	}

	// The first suggested person signs; the demo restarts.
	events, err := a.db.Events(ctx, "/")
	if err != nil {
		t.Fatal(err)
	}
	signer, err := a.db.EmployeeByNIP(ctx, "/", strings.ReplaceAll(first.NIPs[0], " ", ""))
	if err != nil {
		t.Fatal(err)
	}
	if _, existing, err := a.svc.Sign(ctx, typedSignRequest(t, events[0], signer)); err != nil || existing {
		t.Fatalf("sign: %v (existing %v)", err, existing)
	}
	a.Close()
	if a, err = openApp(ctx, dir, "localhost:8080/ikrar"); err != nil {
		t.Fatal(err)
	}
	out.Reset()
	if err := seedDemo(ctx, a, "http://192.168.1.20:8080", "[::]:8080", &out); err != nil {
		t.Fatal(err)
	}
	again := parseDemo(t, out.String())
	if slices.Contains(again.NIPs, first.NIPs[0]) {
		t.Errorf("after a restart the banner still suggests %s, who has signed:\n%s", first.NIPs[0], out.String())
	}
	for _, n := range again.NIPs {
		emp, err := a.db.EmployeeByNIP(ctx, "/", strings.ReplaceAll(n, " ", ""))
		if err != nil {
			t.Fatal(err)
		}
		if _, err := a.db.SignatureFor(ctx, events[0].ID, emp.ID); !registry.IsCode(err, registry.ENOTFOUND) {
			t.Errorf("banner suggests %s, who has a record (%v)", n, err)
		}
	}
	if strings.Contains(out.String(), "hanya komputer ini") {
		t.Errorf("a demo listening on every interface says it is this computer's only:\n%s", out.String())
	}
}
