package storetest

import (
	"reflect"
	"slices"
	"testing"
	"time"

	"github.com/ikrar-id/ikrar/internal/registry"
)

// An event reads back as created; a subtree sees the events inside it and
// those of the organizations above it, never a sibling's.
func testEvents(t *testing.T, s Store) {
	tr := mustTree(t, s)
	p := mustPledge(t, s, pledgeText("Ikrar", 0))
	e := event(tr.regency1.ID, p.ID, "apel-satu", at.Add(48*time.Hour))
	e.Place, e.MeetingURL, e.OfficialNIP = "Aula", "https://meet.example/x", "196501011990031001"
	e.Categories = []registry.Category{registry.CategoryPNS, registry.CategoryPPPK}
	e.OfficialSignature = []byte("png of a signature")
	e.SigningOpensAt, e.SigningClosesAt = at.Add(47*time.Hour), at.Add(50*time.Hour)
	e = mustEvent(t, s, e)
	for name, get := range map[string]func() (registry.Event, error){
		"Event":       func() (registry.Event, error) { return s.Event(ctx, e.ID) },
		"EventBySlug": func() (registry.Event, error) { return s.EventBySlug(ctx, e.Slug) },
	} {
		got, err := get()
		if err != nil || !reflect.DeepEqual(got, e) {
			t.Errorf("%s: %+v, %v; want %+v", name, got, err, e)
		}
	}
	_, err := s.EventBySlug(ctx, "tidak-ada")
	wantCode(t, "a slug no event has", err, registry.ENOTFOUND)
	dup := event(tr.regency2.ID, p.ID, "apel-satu", at)
	wantCode(t, "a slug taken", s.CreateEvent(ctx, &dup), registry.ECONFLICT)

	provincial := mustEvent(t, s, event(tr.province.ID, p.ID, "apel-provinsi", at.Add(24*time.Hour)))
	sibling := mustEvent(t, s, event(tr.regency2.ID, p.ID, "apel-dua", at.Add(72*time.Hour)))
	eventIDs := func(es []registry.Event) []int64 { return ids(es, func(e registry.Event) int64 { return e.ID }) }
	for _, c := range []struct {
		scope string
		want  []int64 // newest start first
	}{
		{tr.agency.Path, []int64{e.ID, provincial.ID}},
		{tr.regency1.Path, []int64{e.ID, provincial.ID}},
		{tr.regency2.Path, []int64{sibling.ID, provincial.ID}},
		{tr.province.Path, []int64{sibling.ID, e.ID, provincial.ID}},
	} {
		es, err := s.Events(ctx, c.scope)
		if err != nil {
			t.Fatal(err)
		}
		if got := eventIDs(es); !slices.Equal(got, c.want) {
			t.Errorf("Events(%s): %v, want %v", c.scope, got, c.want)
		}
	}

	closeAt := at.Add(49 * time.Hour)
	if err := s.SetEventStatus(ctx, e.ID, registry.StatusClosed, closeAt); err != nil {
		t.Fatal(err)
	}
	if got, err := s.Event(ctx, e.ID); err != nil || got.Status != registry.StatusClosed || !got.ClosedAt.Equal(closeAt) {
		t.Errorf("after closing: status %s, closed at %v, %v; want closed at %v", got.Status, got.ClosedAt, err, closeAt)
	}
	if got, err := s.EventBySlug(ctx, e.Slug); err != nil || got.Status != registry.StatusClosed {
		t.Errorf("by slug after closing: status %s, %v", got.Status, err)
	}
	wantCode(t, "closing an event that does not exist", s.SetEventStatus(ctx, 9999, registry.StatusClosed, at), registry.ENOTFOUND)
	if g, err := s.LinkGeneration(ctx, e.ID, 1); err != nil || g != 0 {
		t.Errorf("link generation before any reissue: %d, %v; want 0", g, err)
	}
}

// The schedule opens a draft whose window has opened and closes an open
// event whose window has closed, unless someone did it by hand.
func testEventSchedule(t *testing.T, s Store) {
	tr := mustTree(t, s)
	p := mustPledge(t, s, pledgeText("Ikrar", 0))
	now := at.Add(time.Hour)
	mk := func(slug string, status registry.EventStatus, opens, closes time.Time) registry.Event {
		e := event(tr.regency1.ID, p.ID, slug, at)
		e.Status, e.SigningOpensAt, e.SigningClosesAt = status, opens, closes
		return mustEvent(t, s, e)
	}
	toOpen := mk("buka", registry.StatusDraft, at, at.Add(2*time.Hour))
	mk("belum", registry.StatusDraft, now.Add(time.Minute), time.Time{})
	mk("lewat", registry.StatusDraft, at.Add(-2*time.Hour), at) // its window passed while a draft
	toClose := mk("tutup", registry.StatusOpen, at.Add(-2*time.Hour), now)
	mk("terus", registry.StatusOpen, at, time.Time{})
	closedByHand := mk("manual", registry.StatusOpen, at.Add(-2*time.Hour), now)
	if err := s.SetEventStatus(ctx, closedByHand.ID, registry.StatusClosed, at); err != nil {
		t.Fatal(err)
	}
	due, err := s.DueEvents(ctx, now)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := ids(due, func(e registry.Event) int64 { return e.ID }), []int64{toOpen.ID, toClose.ID}; !slices.Equal(got, want) {
		t.Errorf("due at %v: %v, want %v", now, got, want)
	}
}
