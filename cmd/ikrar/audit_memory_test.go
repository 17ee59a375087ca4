package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"runtime"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/ikrar-id/ikrar/internal/leaf"
	"github.com/ikrar-id/ikrar/internal/registry"
	"github.com/ikrar-id/ikrar/internal/translog"
)

// TestAuditMemory fills a registry with many records and audits it,
// reporting the audit's time and peak heap; docs/PERFORMANCE.md ("Audit")
// has the figures. It runs only when asked, as it takes minutes:
//
//	IKRAR_AUDIT_RECORDS=250000 IKRAR_AUDIT_DIR=/tmp/audit250k \
//	  go test -count=1 -run AuditMemory -v -timeout 60m ./cmd/ikrar/
//
// A directory that already holds a registry is audited as it is, so the
// same data can be audited again, or by another build of ikrar.
func TestAuditMemory(t *testing.T) {
	n, _ := strconv.Atoi(os.Getenv("IKRAR_AUDIT_RECORDS"))
	dir := os.Getenv("IKRAR_AUDIT_DIR")
	if n <= 0 || dir == "" {
		t.Skip("set IKRAR_AUDIT_RECORDS and IKRAR_AUDIT_DIR to measure the audit of a large registry")
	}
	if _, err := os.Stat(dir + "/ikrar.db"); err != nil {
		fillRegistry(t, dir, n)
	}

	runtime.GC()
	var base runtime.MemStats
	runtime.ReadMemStats(&base)
	var peakHeap, peakSys atomic.Uint64
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Go(func() {
		var m runtime.MemStats
		for {
			runtime.ReadMemStats(&m)
			peakHeap.Store(max(peakHeap.Load(), m.HeapInuse))
			peakSys.Store(max(peakSys.Load(), m.Sys))
			select {
			case <-done:
				return
			case <-time.After(20 * time.Millisecond):
			}
		}
	})
	start := time.Now()
	err := auditLocal(t.Context(), dir, "", witnessPolicy{}, defaultBackdateTolerance, io.Discard, noProgress)
	elapsed := time.Since(start)
	close(done)
	wg.Wait()
	if err != nil {
		t.Fatalf("audit: %v", err)
	}
	var end runtime.MemStats
	runtime.ReadMemStats(&end)
	t.Logf("audit of %s: %v; peak heap in use %.1f MB, peak Go memory from the OS %.1f MB, allocated in all %.0f MB",
		dir, elapsed.Round(time.Millisecond), float64(peakHeap.Load())/1e6, float64(peakSys.Load())/1e6,
		float64(end.TotalAlloc-base.TotalAlloc)/1e6)
}

// fillRegistry creates a registry in dir with n signatures through the
// store's signing path (group commit), one in 500 revoked, and a
// checkpoint every 20,000 leaves.
func fillRegistry(t *testing.T, dir string, n int) {
	t.Helper()
	ctx := context.Background()
	a, err := openApp(ctx, dir, trustOrigin)
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	org := registry.Organization{Name: "Pemerintah Kabupaten Uji", Kind: registry.OrgRegency, TimeZone: "Asia/Jakarta", CreatedAt: time.Now()}
	if err := a.db.CreateOrganization(ctx, &org); err != nil {
		t.Fatal(err)
	}
	const employees = 20_000
	emps := make([]registry.Employee, employees)
	for i := range emps {
		birth := time.Date(1975, 1, 1, 0, 0, 0, 0, time.UTC).AddDate(0, 0, i%365)
		emps[i] = registry.Employee{NIP: fmt.Sprintf("%s%04d%02d%d%03d", birth.Format("20060102"), 2000+i%20, 1+i%12, 1+i%2, 1+i/365%999),
			Name: fmt.Sprintf("Pegawai %d", i), Position: "Analis", Rank: "Penata (III/c)", Unit: "Dinas Pendidikan",
			Category: registry.CategoryPNS, Active: true, UpdatedAt: time.Now()}
	}
	if _, err := a.lite.UpsertEmployees(ctx, org.ID, emps); err != nil {
		t.Fatal(err)
	}
	if emps, _, err = a.db.Employees(ctx, registry.EmployeeFilter{Scope: org.Path, Limit: employees}); err != nil {
		t.Fatal(err)
	}
	var events []registry.Event
	for k := range (n + employees - 1) / employees {
		e := registry.Event{OrgID: org.ID, Slug: fmt.Sprintf("apel-%d", k), Code: "APEL01", Title: "Apel Netralitas ASN", Place: "Aula",
			Mode: registry.ModeInPerson, StartsAt: time.Now(), PledgeID: 1, OfficialName: "Bupati", OfficialPosition: "Bupati",
			Status: registry.StatusOpen, CreatedAt: time.Now()}
		if err := a.db.CreateEvent(ctx, &e); err != nil {
			t.Fatal(err)
		}
		events = append(events, e)
	}
	typed := registry.Ink{Kind: registry.InkTyped, Typed: "Pegawai"}
	cp := &translog.Checkpointer{Store: a.db, Keys: a.keys, Now: time.Now, Log: slog.New(slog.DiscardHandler)}
	var next atomic.Int64
	var wg sync.WaitGroup
	for range 64 {
		wg.Go(func() {
			for {
				i := int(next.Add(1) - 1)
				if i >= n || t.Failed() {
					return
				}
				emp, e := emps[i%employees], events[i/employees]
				s := &registry.Signature{EventID: e.ID, EmployeeID: emp.ID, Code: fmt.Sprintf("A%011d", i), NIP: emp.NIP, Name: emp.Name,
					Position: emp.Position, Rank: emp.Rank, Unit: emp.Unit, OrgName: org.Name, Category: emp.Category,
					PledgeHash: registry.DefaultPledge().Hash, Ink: typed, Consent: true, SignedAt: time.Now().UTC().Truncate(time.Millisecond),
					Channel: registry.ChannelEventCode, ClientIP: "10.1.2.3", UserAgent: "Mozilla/5.0 (Linux; Android 14)",
					IdentitySalt: []byte(fmt.Sprintf("salt%012d", i)), LeafIndex: -1}
				s.IdentityHash = leaf.Identity(*s)
				if err := a.db.InsertSignature(ctx, s); err != nil {
					t.Errorf("insert %d: %v", i, err)
					return
				}
				if i%500 == 499 {
					if _, err := a.svc.Revoke(ctx, registry.Actor{User: registry.System, IP: "test"}, s.Code, "Ditandatangani orang lain"); err != nil {
						t.Errorf("revoke %d: %v", i, err)
						return
					}
				}
				if i%20_000 == 19_999 {
					if _, err := cp.Sign(ctx); err != nil {
						t.Errorf("checkpoint: %v", err)
						return
					}
				}
			}
		})
	}
	wg.Wait()
	if _, err := cp.Sign(ctx); err != nil {
		t.Fatal(err)
	}
}
