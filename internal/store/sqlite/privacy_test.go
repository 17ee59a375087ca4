package sqlite_test

import (
	"context"
	"testing"
	"time"

	"github.com/ikrar-id/ikrar/internal/registry"
)

// The timing of each point of a drawing is behavioural biometric data (UU
// 27/2022): an organization that did not turn it on keeps none (the stored
// drawing has its shape and no times), and one that did keeps every time.
func TestStrokeTimingStoredOnlyWhenTurnedOn(t *testing.T) {
	f := mustFixture(t, 2)
	ctx := context.Background()
	drawn := func(i int, code string) registry.Signature {
		t.Helper()
		s := newSig(f, i, code)
		s.Ink = registry.Ink{Kind: registry.InkStrokes, Strokes: []registry.Stroke{
			{Points: []registry.Point{{X: 10, Y: 20, T: 1_729_650_000_000}, {X: 15.5, Y: 22, T: 1_729_650_000_016}}},
			{Points: []registry.Point{{X: 40, Y: 30, T: 1_729_650_000_400}}}}}
		if err := f.db.InsertSignature(ctx, s); err != nil {
			t.Fatal(err)
		}
		got, err := f.db.SignatureByCode(ctx, code)
		if err != nil {
			t.Fatal(err)
		}
		return got
	}
	if p, err := f.db.PrivacySettings(ctx, f.event.OrgID); err != nil || p.StrokeTiming {
		t.Fatalf("default settings %+v (%v): timing must be off", p, err)
	}
	off := drawn(0, "TIMINGOFF001")
	if len(off.Ink.Strokes) != 2 || len(off.Ink.Strokes[0].Points) != 2 || off.Ink.Strokes[0].Points[1].X != 15.5 {
		t.Fatalf("the drawing's shape is lost: %+v", off.Ink.Strokes)
	}
	for _, st := range off.Ink.Strokes {
		for _, p := range st.Points {
			if p.T != 0 {
				t.Fatalf("timing off, yet a point was stored with time %d", p.T)
			}
		}
	}

	if err := f.db.SetPrivacySettings(ctx, registry.PrivacySettings{OrgID: f.event.OrgID, Contact: "ppid@uji.go.id", StrokeTiming: true}, time.Now()); err != nil {
		t.Fatal(err)
	}
	if p, err := f.db.PrivacySettings(ctx, f.event.OrgID); err != nil || !p.StrokeTiming || p.Contact != "ppid@uji.go.id" {
		t.Fatalf("settings read back as %+v (%v)", p, err)
	}
	on := drawn(1, "TIMINGON0001")
	if got := on.Ink.Strokes[0].Points[1].T; got != 1_729_650_000_016 {
		t.Fatalf("timing on, stored time %d", got)
	}
	if got := on.Ink.Strokes[1].Points[0].T; got != 1_729_650_000_400 {
		t.Fatalf("timing on, stored time %d", got)
	}
}
