package translog

import (
	"fmt"
	"time"
)

// MonitorState is what a monitor remembers of a log between walks: how far
// it has read and what the entries so far established, so the next walk
// reads only the new entries and still judges them against all the old.
// It holds no personal data: only what the public entries hold.
type MonitorState struct {
	Size int64 `json:"size"` // entries [0, Size) were read
	// Records are the signature leaves, by leaf hash (hex).
	Records map[string]*MonitoredRecord `json:"records"`
	// Codes and Identities map a certificate code and an identity
	// commitment to the leaf of the signature that logged it.
	Codes      map[string]int64 `json:"codes"`
	Identities map[string]int64 `json:"identities"`
	// Latest is the latest time any entry so far carries, in leaf
	// LatestIndex.
	Latest      time.Time `json:"latest"`
	LatestIndex int64     `json:"latest_index"`
}

// MonitoredRecord is a signature leaf as a monitor remembers it.
type MonitoredRecord struct {
	Index     int64     `json:"index"`
	Code      string    `json:"code"`
	Signed    time.Time `json:"signed"`
	RevokedBy int64     `json:"revoked_by"` // leaf of its revocation, -1 if none
	IssuedBy  int64     `json:"issued_by"`  // leaf of its issuance, -1 if none
}

// NewMonitorState is the state of a monitor that has read nothing.
func NewMonitorState() *MonitorState {
	return &MonitorState{Records: map[string]*MonitoredRecord{}, Codes: map[string]int64{}, Identities: map[string]int64{}, LatestIndex: -1}
}

// Monitor judges a log's entries, in leaf order, by the rules any honest
// ikrar registry keeps (docs/TRUST.md §15). It sees only the public
// entries: identity commitments are salted per record, so it cannot tell
// that two records are of one person.
type Monitor struct {
	State *MonitorState
	// Tolerance is how far an entry's time may lie before the latest
	// time of the entries before it (group commits reorder signings by
	// a little), and after Now.
	Tolerance time.Duration
	Now       time.Time
}

// Add reads entry index (its exact bytes) and returns what in it breaks a
// rule; the state then includes it. Entries must come in order.
func (m *Monitor) Add(index int64, b []byte) ([]string, error) {
	st := m.State
	if index != st.Size {
		return nil, fmt.Errorf("monitor: entry %d after %d entries", index, st.Size)
	}
	st.Size++
	e, err := ParseEntry(b)
	if err != nil {
		return []string{fmt.Sprintf("leaf %d: not a valid ikrar entry: %v", index, err)}, nil
	}
	var problems []string
	add := func(format string, args ...any) {
		of := e.Code
		if e.Kind == KindDocument {
			of = fmt.Sprintf("event %d", e.EventID)
		}
		problems = append(problems, fmt.Sprintf("leaf %d (%s of %s): ", index, e.Kind, of)+fmt.Sprintf(format, args...))
	}
	var at time.Time
	switch e.Kind {
	case KindDocument:
		// About an event, not a record: only its time is judged.
		at = e.Uploaded
	case KindSignature:
		at = e.SignedAt
		leaf := LeafHex(e.Hash())
		if j, ok := st.Codes[e.Code]; ok {
			add("certificate code already logged by the signature in leaf %d", j)
		} else {
			st.Codes[e.Code] = index
		}
		if j, ok := st.Identities[e.IdentityHash]; ok {
			add("identity commitment repeats the one in leaf %d: each record has its own random salt, so this is a copied record", j)
		} else {
			st.Identities[e.IdentityHash] = index
		}
		if _, ok := st.Records[leaf]; !ok {
			st.Records[leaf] = &MonitoredRecord{Index: index, Code: e.Code, Signed: e.SignedAt, RevokedBy: -1, IssuedBy: -1}
		}
	case KindRevocation, KindIssuance:
		record := e.Record
		at = e.RevokedAt
		if e.Kind == KindIssuance {
			at = e.IssuedAt
		}
		if e.Version() == 1 {
			// A version 1 revocation repeats its record's fields.
			sig := e
			sig.Kind, sig.Reason, sig.RevokedAt = KindSignature, "", time.Time{}
			record = LeafHex(sig.Hash())
		}
		r, ok := st.Records[record]
		if !ok {
			add("names no earlier signature leaf (record %s)", record)
			break
		}
		if r.Code != e.Code {
			add("its record, leaf %d, is of certificate %s", r.Index, r.Code)
		}
		if at.Before(r.Signed.Truncate(time.Millisecond)) {
			add("dated %s, before its record (leaf %d) was signed at %s", formatTime(at), r.Index, formatTime(r.Signed))
		}
		if e.Kind == KindRevocation {
			if r.RevokedBy >= 0 {
				add("revokes the record of leaf %d, already revoked in leaf %d", r.Index, r.RevokedBy)
			} else {
				r.RevokedBy = index
			}
		} else {
			if r.IssuedBy >= 0 {
				add("a second issuance of the record of leaf %d, first issued in leaf %d", r.Index, r.IssuedBy)
			} else {
				r.IssuedBy = index
			}
		}
	}
	if st.LatestIndex >= 0 && at.Before(st.Latest.Add(-m.Tolerance)) {
		add("dated %s, %s before leaf %d (%s), more than the tolerance of %s: back-dated?",
			formatTime(at), st.Latest.Sub(at).Round(time.Second), st.LatestIndex, formatTime(st.Latest), m.Tolerance)
	}
	if !m.Now.IsZero() && at.After(m.Now.Add(m.Tolerance)) {
		add("dated %s, in the future", formatTime(at))
	}
	if at.After(st.Latest) || st.LatestIndex < 0 {
		st.Latest, st.LatestIndex = at, index
	}
	return problems, nil
}
