package storetest

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/ikrar-id/ikrar/internal/registry"
)

// The live dashboard counts eligible employees and standing records per
// organization and unit, signings per minute, and shows the newest
// standing records; a signing wakes its event's dashboards.
func testProgress(t *testing.T, s Store) {
	tr := mustTree(t, s)
	p := mustPledge(t, s, pledgeText("Ikrar", 0))
	mustImport(t, s, tr.regency1.ID, employee(nip(1), "Ani", "A"), employee(nip(2), "Budi", "A"), employee(nip(3), "Citra", "B"))
	mustImport(t, s, tr.agency.ID, employee(nip(4), "Dewi", "C"))
	e := mustEvent(t, s, event(tr.regency1.ID, p.ID, "apel", at))
	all, _, err := s.Employees(ctx, registry.EmployeeFilter{Scope: tr.regency1.Path})
	if err != nil {
		t.Fatal(err)
	}
	byName := map[string]registry.Employee{}
	for _, em := range all {
		byName[em.Name] = em
	}
	w := world{event: e, emps: []registry.Employee{byName["Ani"], byName["Budi"], byName["Citra"], byName["Dewi"]}}
	ch := s.ProgressChanged(e.ID)
	other := s.ProgressChanged(e.ID + 1)
	ani := mustSign(t, s, w.signing(0, "PROG00000001")) // at
	select {
	case <-ch:
	default:
		t.Error("a signing's commit did not wake its event's dashboard")
	}
	select {
	case <-other:
		t.Error("a signing woke another event's dashboard")
	default:
	}
	budi := w.signing(1, "PROG00000002")
	budi.SignedAt = at.Add(2 * time.Minute)
	mustSign(t, s, budi)
	dewi := w.signing(3, "PROG00000004")
	dewi.SignedAt = at.Add(2*time.Minute + time.Second)
	mustSign(t, s, dewi)
	mustRevoke(t, s, ani.ID)

	got, err := s.Progress(ctx, e, "/", at, 10)
	if err != nil {
		t.Fatal(err)
	}
	type unit struct {
		org            int64
		unit           string
		eligible, sign int
	}
	var units []unit
	for _, u := range got.Units {
		units = append(units, unit{u.OrgID, u.Unit, u.Eligible, u.Signed})
	}
	slices.SortFunc(units, func(a, b unit) int {
		if a.org != b.org {
			return int(a.org - b.org)
		}
		return strings.Compare(a.unit, b.unit)
	})
	want := []unit{{tr.regency1.ID, "A", 2, 1}, {tr.regency1.ID, "B", 1, 0}, {tr.agency.ID, "C", 1, 1}}
	if !slices.Equal(units, want) {
		t.Errorf("units %+v, want %+v", units, want)
	}
	var curve []int
	for _, m := range got.Curve {
		curve = append(curve, int(m.Minute.Sub(at)/time.Minute), m.Count)
	}
	// Signings per minute count the revoked one: the pace of signing.
	if want := []int{0, 1, 2, 2}; !slices.Equal(curve, want) {
		t.Errorf("curve (minute, count…) %v, want %v", curve, want)
	}
	var latest []string
	for _, l := range got.Latest {
		latest = append(latest, l.Name)
	}
	if want := []string{"Dewi", "Budi"}; !slices.Equal(latest, want) {
		t.Errorf("latest %v, want %v", latest, want)
	}
	inAgency, err := s.Progress(ctx, e, tr.agency.Path, at, 10)
	if err != nil || len(inAgency.Units) != 1 || inAgency.Signed() != 1 || len(inAgency.Latest) != 1 {
		t.Errorf("the agency's progress: %+v, %v", inAgency, err)
	}
}
