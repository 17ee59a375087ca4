package registry_test

import (
	"os"
	"testing"

	"github.com/ikrar-id/ikrar/internal/store/pgtest"
)

// TestMain stops the PostgreSQL cluster the tests started, if any
// (IKRAR_TEST_STORE=postgres).
func TestMain(m *testing.M) {
	code := m.Run()
	pgtest.Stop()
	os.Exit(code)
}
