package main

import (
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
