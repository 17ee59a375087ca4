package sqlite_test

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"testing"
	"time"

	"github.com/ikrar-id/ikrar/internal/ink"
	"github.com/ikrar-id/ikrar/internal/registry"
	"github.com/ikrar-id/ikrar/internal/store/sqlite"
	"golang.org/x/mod/sumdb/tlog"
)

// timedStrokes is a drawing whose points carry distinctive times, so its
// stored form can be looked for in the database file.
func timedStrokes(seed int64) []registry.Stroke {
	var pts []registry.Point
	for i := range int64(40) {
		pts = append(pts, registry.Point{X: float64(10 + i*3), Y: float64(20 + (i*7)%31), T: 1_733_000_000_000 + seed*100_000 + i*i*17})
	}
	return []registry.Stroke{{Points: pts}}
}

// tenant is an organization with one event and one employee.
func tenant(t *testing.T, db *sqlite.DB, name, nip string, parent int64) fixture {
	t.Helper()
	ctx := context.Background()
	kind := registry.OrgRegency
	if parent != 0 {
		kind = registry.OrgAgency
	}
	org := &registry.Organization{ParentID: parent, Name: name, Kind: kind, TimeZone: "Asia/Jakarta", CreatedAt: time.Now()}
	if err := db.CreateOrganization(ctx, org); err != nil {
		t.Fatal(err)
	}
	emp := registry.Employee{NIP: nip, Name: "Pegawai " + name, Category: registry.CategoryPNS, Active: true, UpdatedAt: time.Now()}
	if _, err := db.UpsertEmployees(ctx, org.ID, []registry.Employee{emp}); err != nil {
		t.Fatal(err)
	}
	emps, _, err := db.Employees(ctx, registry.EmployeeFilter{Scope: org.Path, Limit: 10})
	if err != nil {
		t.Fatal(err)
	}
	var own []registry.Employee
	for _, e := range emps {
		if e.OrgID == org.ID {
			own = append(own, e)
		}
	}
	e := registry.Event{OrgID: org.ID, Slug: "s" + nip, Code: "C" + nip[len(nip)-5:], Title: "Apel", Mode: registry.ModeInPerson, StartsAt: time.Now(),
		PledgeID: 1, OfficialName: "X", OfficialPosition: "Y", Status: registry.StatusOpen, CreatedAt: time.Now()}
	if err := db.CreateEvent(ctx, &e); err != nil {
		t.Fatal(err)
	}
	return fixture{db: db, event: e, emps: own}
}

func signDrawn(t *testing.T, f fixture, seed int64) (*registry.Signature, []byte) {
	t.Helper()
	s := newSig(f, 0, fmt.Sprintf("TIME%08d", seed))
	s.Ink = registry.Ink{Kind: registry.InkStrokes, Strokes: timedStrokes(seed)}
	if err := f.db.InsertSignature(context.Background(), s); err != nil {
		t.Fatal(err)
	}
	return s, ink.EncodeStrokes(s.Ink.Strokes)
}

func drawing(t *testing.T, db *sqlite.DB, employeeID int64) []registry.Stroke {
	t.Helper()
	sigs, err := db.EmployeeSignatures(context.Background(), employeeID)
	if err != nil || len(sigs) != 1 {
		t.Fatalf("records of employee %d: %d (%v)", employeeID, len(sigs), err)
	}
	return sigs[0].Ink.Strokes
}

// inFiles reports whether b occurs in the database file or its WAL.
func inFiles(t *testing.T, path string, b []byte) bool {
	t.Helper()
	for _, p := range []string{path, path + "-wal"} {
		data, err := os.ReadFile(p)
		if err != nil && !os.IsNotExist(err) {
			t.Fatal(err)
		}
		if bytes.Contains(data, b) {
			return true
		}
	}
	return false
}

// checkTiming fails unless the drawing has the points of want, with their
// times kept or all zero.
func checkTiming(t *testing.T, who string, got, want []registry.Stroke, kept bool) {
	t.Helper()
	if len(got) != len(want) || len(got[0].Points) != len(want[0].Points) {
		t.Fatalf("%s: drawing has %d strokes, want %d", who, len(got), len(want))
	}
	for i, p := range got[0].Points {
		w := want[0].Points[i]
		if !kept {
			w.T = 0
		}
		if p != w {
			t.Fatalf("%s: point %d is %+v, want %+v", who, i, p, w)
		}
	}
}

// Records stored before the privacy rules kept the time of every point of
// a drawn signature. Migration 017 drops it from the records of every
// organization that does not keep timing (its own setting or its
// government's), keeps it where the organization turned it on, leaves the
// log and the rest of every record as they were, and leaves the old bytes
// nowhere in the database files. Turning timing off later drops it too.
func TestMigrationStripsStrokeTiming(t *testing.T) {
	ctx := context.Background()
	old, path := atVersion(t, 16)
	p := registry.DefaultPledge()
	if err := old.CreatePledge(ctx, &p); err != nil {
		t.Fatal(err)
	}
	plain := tenant(t, old, "Kabupaten Tanpa Waktu", "198609262015051001", 0)
	keeper := tenant(t, old, "Kabupaten Penyimpan", "198609262015051002", 0)
	agency := tenant(t, old, "Dinas Pendidikan", "198609262015051003", keeper.event.OrgID)
	if _, err := old.SetPrivacySettings(ctx, registry.PrivacySettings{OrgID: keeper.event.OrgID, StrokeTiming: true}, time.Now()); err != nil {
		t.Fatal(err)
	}
	_, plainBlob := signDrawn(t, plain, 1)
	signDrawn(t, keeper, 2)
	_, agencyBlob := signDrawn(t, agency, 3)
	const dump = `SELECT id, event_id, employee_id, code, nip, name, ink_kind, consent, signed_at, channel, leaf_index, leaf_version FROM signatures ORDER BY id`
	before, err := sqlite.DumpForTest(old, ctx, dump)
	if err != nil {
		t.Fatal(err)
	}
	size, err := old.StoredLogSize(ctx)
	if err != nil || size != 3 {
		t.Fatalf("log size %d (%v), want 3", size, err)
	}
	root, err := tlog.TreeHash(size, old.HashReader(ctx))
	if err != nil {
		t.Fatal(err)
	}
	if err := old.Close(); err != nil {
		t.Fatal(err)
	}
	if !inFiles(t, path, plainBlob) {
		t.Fatal("the timed drawing is not in the database file before the migration: the test cannot see its removal")
	}

	db, err := sqlite.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	checkTiming(t, "kabupaten without timing", drawing(t, db, plain.emps[0].ID), timedStrokes(1), false)
	checkTiming(t, "kabupaten keeping timing", drawing(t, db, keeper.emps[0].ID), timedStrokes(2), true)
	checkTiming(t, "its agency, following it", drawing(t, db, agency.emps[0].ID), timedStrokes(3), true)
	after, err := sqlite.DumpForTest(db, ctx, dump)
	if err != nil {
		t.Fatal(err)
	}
	if after != before {
		t.Fatalf("records changed beyond their ink:\nbefore %s\nafter  %s", before, after)
	}
	if got, err := tlog.TreeHash(size, db.HashReader(ctx)); err != nil || got != root {
		t.Fatalf("log root after the migration %v (%v), want %v", got, err, root)
	}
	if inFiles(t, path, plainBlob) {
		t.Fatal("the dropped timing is still in the database files")
	}

	// The agency opts out on its own: its records lose their timing, its
	// government's keep theirs.
	n, err := db.SetPrivacySettings(ctx, registry.PrivacySettings{OrgID: agency.event.OrgID}, time.Now())
	if err != nil || n != 1 {
		t.Fatalf("turning timing off for the agency rewrote %d records (%v), want 1", n, err)
	}
	checkTiming(t, "agency after opting out", drawing(t, db, agency.emps[0].ID), timedStrokes(3), false)
	checkTiming(t, "its government", drawing(t, db, keeper.emps[0].ID), timedStrokes(2), true)
	if inFiles(t, path, agencyBlob) {
		t.Fatal("the agency's dropped timing is still in the database files")
	}
	// Nothing left to drop: saving the settings again rewrites nothing.
	if n, err := db.SetPrivacySettings(ctx, registry.PrivacySettings{OrgID: agency.event.OrgID, Contact: "ppid@uji.go.id"}, time.Now()); err != nil || n != 0 {
		t.Fatalf("saving again rewrote %d records (%v), want 0", n, err)
	}
}
