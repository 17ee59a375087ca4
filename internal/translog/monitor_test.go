package translog

import (
	"fmt"
	"strings"
	"testing"
	"time"
)

func monitorSig(code, identity string, signed time.Time) Entry {
	return Entry{LeafVersion: LeafV2, Kind: KindSignature, Code: code, EventID: 12, EventTitle: "Apel", EventStarts: signed,
		EventOrg: "Pemkab", PledgeHash: strings.Repeat("ab", 32), Org: "Dinas", HolderHash: strings.Repeat("cd", 32),
		Channel: "event_code", SignedAt: signed, IdentityHash: identity}
}

func monitorV1Sig(code, identity string, signed time.Time) Entry {
	return Entry{Kind: KindSignature, Code: code, EventID: 12, PledgeHash: strings.Repeat("ab", 32),
		Channel: "event_code", SignedAt: signed, IdentityHash: identity}
}

func id(n int) string { return fmt.Sprintf("%064x", n) }

// Each rule a monitor checks, as an insider would break it by appending
// leaves the database never had or back-dating them.
func TestMonitorRules(t *testing.T) {
	t0 := time.Date(2024, 10, 23, 2, 0, 0, 0, time.UTC)
	a := monitorSig("AAAA", id(1), t0)
	b := monitorSig("BBBB", id(2), t0.Add(time.Minute))
	old := monitorV1Sig("OLD1", id(3), t0.Add(2*time.Minute))
	revoke := func(of Entry, at time.Time) Entry {
		return Entry{LeafVersion: LeafV2, Kind: KindRevocation, Code: of.Code, Record: LeafHex(of.Hash()), Reason: ReasonHash("x"), RevokedAt: at}
	}
	issue := func(of Entry, at time.Time) Entry {
		return Entry{LeafVersion: LeafV2, Kind: KindIssuance, Code: of.Code, Record: LeafHex(of.Hash()), PDFHash: strings.Repeat("ef", 32), IssuedAt: at}
	}
	v1revoke := old
	v1revoke.Kind, v1revoke.Reason, v1revoke.RevokedAt = KindRevocation, ReasonHash("x"), t0.Add(3*time.Minute)
	document := func(at time.Time) Entry {
		return Entry{LeafVersion: LeafV2, Kind: KindDocument, EventID: 12, Purpose: "berita-acara", PDFHash: strings.Repeat("9a", 32), Uploaded: at}
	}
	clean := []Entry{a, b, old, revoke(a, t0.Add(3*time.Minute)), issue(b, t0.Add(3*time.Minute)), v1revoke, issue(old, t0.Add(4*time.Minute)),
		document(t0.Add(4 * time.Minute))}

	stranger := monitorSig("ZZZZ", id(9), t0)
	wrongCode := revoke(b, t0.Add(5*time.Minute))
	wrongCode.Code = "AAAA"
	for _, c := range []struct {
		name  string
		extra Entry
		raw   []byte
		want  string
	}{
		{"clean", Entry{}, nil, ""},
		{"code twice", monitorSig("AAAA", id(4), t0.Add(5*time.Minute)), nil, "certificate code already logged by the signature in leaf 0"},
		{"copied record", monitorSig("CCCC", id(2), t0.Add(5*time.Minute)), nil, "identity commitment repeats the one in leaf 1"},
		{"unknown record", revoke(stranger, t0.Add(5*time.Minute)), nil, "names no earlier signature leaf"},
		{"unknown v1 record", func() Entry {
			e := monitorV1Sig("NONE", id(8), t0)
			e.Kind, e.Reason, e.RevokedAt = KindRevocation, ReasonHash("x"), t0.Add(5*time.Minute)
			return e
		}(), nil, "names no earlier signature leaf"},
		{"revoked twice", revoke(a, t0.Add(5*time.Minute)), nil, "already revoked in leaf 3"},
		{"v1 record revoked again", revoke(old, t0.Add(5*time.Minute)), nil, "already revoked in leaf 5"},
		{"issued twice", issue(b, t0.Add(5*time.Minute)), nil, "first issued in leaf 4"},
		{"code of another record", wrongCode, nil, "is of certificate BBBB"},
		{"back-dated", monitorSig("DDDD", id(5), t0.Add(-time.Hour)), nil, "back-dated?"},
		{"revoked before signed", func() Entry {
			return revoke(b, t0)
		}(), nil, "before its record (leaf 1) was signed"},
		{"future", monitorSig("EEEE", id(6), t0.Add(48*time.Hour)), nil, "in the future"},
		{"back-dated document", document(t0.Add(-time.Hour)), nil, "leaf 8 (document of event 12): dated"},
		{"garbage", Entry{}, []byte("ikrar-leaf/v2\nkind signature\n"), "not a valid ikrar entry"},
	} {
		t.Run(c.name, func(t *testing.T) {
			m := &Monitor{State: NewMonitorState(), Tolerance: 10 * time.Minute, Now: t0.Add(24 * time.Hour)}
			var got []string
			entries := clean
			if c.extra.Kind != "" || c.raw != nil {
				entries = append(append([]Entry(nil), clean...), c.extra)
			}
			for i, e := range entries {
				b := e.Encode()
				if c.raw != nil && i == len(entries)-1 {
					b = c.raw
				}
				p, err := m.Add(int64(i), b)
				if err != nil {
					t.Fatal(err)
				}
				got = append(got, p...)
			}
			switch {
			case c.want == "" && len(got) > 0:
				t.Fatalf("problems in a clean log: %q", got)
			case c.want != "" && (len(got) != 1 || !strings.Contains(got[0], c.want)):
				t.Fatalf("problems %q, want one saying %q", got, c.want)
			}
			if m.State.Size != int64(len(entries)) {
				t.Fatalf("state size %d after %d entries", m.State.Size, len(entries))
			}
		})
	}
}
