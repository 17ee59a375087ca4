package main

import (
	"context"
	"fmt"
	"path/filepath"
	"sync"
	"sync/atomic"
	"time"

	"github.com/ikrar-id/ikrar/internal/fixture"
	"github.com/ikrar-id/ikrar/internal/ink"
	"github.com/ikrar-id/ikrar/internal/registry"
	"github.com/ikrar-id/ikrar/internal/store/sqlite"
)

// preloadPerEvent is how many employees the preloaded events share: n
// signatures are n/preloadPerEvent events signed by all of them.
const preloadPerEvent = 100_000

// preload fills the database of a data directory, with no server running,
// with n signatures made through the registry's own signing path
// (registry.Service.Sign and the store's group commit, log append
// included), for the memory target: RSS with a million records already
// stored. Its employees come from the top of the NIP space, apart from the
// ones the phases sign with.
// Every tenth certificate code goes to out, so verification look-ups spread
// over the whole table.
func preload(ctx context.Context, dataDir string, n int, strokes [][]byte, out sink, logf func(string, ...any)) error {
	t0 := time.Now()
	db, err := sqlite.Open(ctx, filepath.Join(dataDir, "ikrar.db"))
	if err != nil {
		return err
	}
	defer db.Close()
	svc := registry.NewService(db, make([]byte, 32))
	inks := make([]registry.Ink, len(strokes))
	for i, s := range strokes {
		if inks[i], err = ink.ParseStrokes(s); err != nil {
			return fmt.Errorf("preload ink %d: %w", i, err)
		}
	}
	org := &registry.Organization{Name: "Pemerintah Kabupaten Praisi (data awal)", Kind: registry.OrgRegency, TimeZone: "Asia/Jakarta", CreatedAt: time.Now()}
	if err := db.CreateOrganization(ctx, org); err != nil {
		return fmt.Errorf("preload organization: %w", err)
	}
	per := min(n, preloadPerEvent)
	emps := make([]registry.Employee, per)
	for j := range emps {
		i := fixture.MaxEmployees - 1 - j
		emps[j] = fixture.Employee(i)
		emps[j].UpdatedAt = time.Now()
	}
	if _, err := db.UpsertEmployees(ctx, org.ID, emps); err != nil {
		return fmt.Errorf("preload employees: %w", err)
	}
	if emps, _, err = db.Employees(ctx, registry.EmployeeFilter{Scope: org.Path, Limit: per}); err != nil {
		return err
	}
	logf("preload: %d employees in %s", len(emps), time.Since(t0).Round(time.Millisecond))
	var done atomic.Int64
	for ev := 0; done.Load() < int64(n); ev++ {
		e := registry.Event{OrgID: org.ID, Slug: fmt.Sprintf("praisi-%d", ev), Code: "PRA1SI", Title: fmt.Sprintf("Ikrar %d (data awal)", ev),
			Place: "Aula", Mode: registry.ModeInPerson, StartsAt: time.Now(), PledgeID: 1, OfficialName: "Pejabat",
			OfficialPosition: "Sekretaris Daerah", Status: registry.StatusOpen, CreatedAt: time.Now()}
		if err := db.CreateEvent(ctx, &e); err != nil {
			return fmt.Errorf("preload event: %w", err)
		}
		count := min(len(emps), n-int(done.Load()))
		var next atomic.Int64
		var wg sync.WaitGroup
		errs := make(chan error, 1)
		for range 256 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for ctx.Err() == nil {
					j := int(next.Add(1) - 1)
					if j >= count {
						return
					}
					sig, _, err := svc.Sign(ctx, registry.SignRequest{Event: e, Employee: emps[j], Ink: inks[j%len(inks)], Consent: true,
						Channel: registry.ChannelEventCode, ClientIP: "10.0.0.1", UserAgent: "Mozilla/5.0 (Linux; Android 14) ikrar-bench preload"})
					if err != nil {
						select {
						case errs <- err:
						default:
						}
						return
					}
					if j%10 == 0 {
						out.add(sig.Code, "")
					}
					if d := done.Add(1); d%100_000 == 0 {
						logf("preload: %d signatures, %.0f/s", d, float64(d)/time.Since(t0).Seconds())
					}
				}
			}()
		}
		wg.Wait()
		select {
		case err := <-errs:
			return fmt.Errorf("preload signing: %w", err)
		default:
		}
		if err := ctx.Err(); err != nil {
			return err
		}
	}
	logf("preload: %d signatures in %s", done.Load(), time.Since(t0).Round(time.Second))
	return nil
}
