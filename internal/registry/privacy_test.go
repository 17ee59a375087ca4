package registry_test

import (
	"context"
	"testing"

	"github.com/ikrar-id/ikrar/internal/registry"
)

// The timing of each point of a drawing is behavioural biometric data (UU
// 27/2022): while the organizing organization has not turned it on, the
// stored drawing keeps its shape and no times; once it has, every time is
// stored as drawn; turned off again, the times kept are dropped.
func TestStrokeTimingStoredOnlyWhenTurnedOn(t *testing.T) {
	w := mustWorld(t)
	ctx := context.Background()
	drawn := registry.Ink{Kind: registry.InkStrokes, Strokes: []registry.Stroke{
		{Points: []registry.Point{{X: 10, Y: 20, T: 1_729_650_000_000}, {X: 15.5, Y: 22, T: 1_729_650_000_016}}},
		{Points: []registry.Point{{X: 40, Y: 30, T: 1_729_650_000_400}}}}}
	sign := func(emp registry.Employee) registry.Signature {
		t.Helper()
		sig, _, err := w.svc.Sign(ctx, registry.SignRequest{Event: w.event, Employee: emp, Consent: true, Ink: drawn,
			Channel: registry.ChannelEventCode})
		if err != nil {
			t.Fatal(err)
		}
		stored, err := w.svc.Store.SignatureByCode(ctx, sig.Code)
		if err != nil {
			t.Fatal(err)
		}
		return stored
	}
	off := sign(w.emps[0])
	if len(off.Ink.Strokes) != 2 || len(off.Ink.Strokes[0].Points) != 2 || off.Ink.Strokes[0].Points[1].X != 15.5 ||
		off.Ink.Strokes[1].Points[0].Y != 30 {
		t.Fatalf("the drawing's shape was not kept: %+v", off.Ink.Strokes)
	}
	for _, st := range off.Ink.Strokes {
		for _, p := range st.Points {
			if p.T != 0 {
				t.Fatalf("timing off, yet a point was stored with time %d", p.T)
			}
		}
	}
	if drawn.Strokes[0].Points[1].T != 1_729_650_000_016 {
		t.Fatal("dropping the times changed the caller's strokes")
	}

	if err := w.svc.SetPrivacySettings(ctx, w.admin, registry.PrivacySettings{OrgID: w.event.OrgID, StrokeTiming: true}); err != nil {
		t.Fatal(err)
	}
	// The second employee is outside the event's categories: the first
	// signs again after a revocation.
	if _, err := w.svc.Revoke(ctx, w.admin, off.Code, "Uji pencatatan waktu goresan"); err != nil {
		t.Fatal(err)
	}
	on := sign(w.emps[0])
	if got := on.Ink.Strokes[0].Points[1].T; got != 1_729_650_000_016 {
		t.Fatalf("timing on, stored time %d", got)
	}
	if got := on.Ink.Strokes[1].Points[0].T; got != 1_729_650_000_400 {
		t.Fatalf("timing on, stored time %d", got)
	}

	// Turning timing off again drops the times already kept, shape intact.
	if err := w.svc.SetPrivacySettings(ctx, w.admin, registry.PrivacySettings{OrgID: w.event.OrgID}); err != nil {
		t.Fatal(err)
	}
	after, err := w.svc.Store.SignatureByCode(ctx, on.Code)
	if err != nil {
		t.Fatal(err)
	}
	if p := after.Ink.Strokes[0].Points[1]; p.T != 0 || p.X != 15.5 || p.Y != 22 {
		t.Fatalf("after turning timing off, the stored point is %+v, want (15.5, 22) with no time", p)
	}
}
