package translog

import (
	"bytes"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// ParseEntry decodes a leaf's exact bytes (its preimage, as the API serves
// it) into an entry. It accepts only canonical encodings: the entry must
// validate and encode back to exactly b, so a verifier comparing the
// parsed fields compares what the leaf hash commits to.
func ParseEntry(b []byte) (Entry, error) {
	lines := strings.Split(string(b), "\n")
	if len(lines) < 2 || lines[len(lines)-1] != "" {
		return Entry{}, errors.New("leaf: not lines ending in a newline")
	}
	lines = lines[:len(lines)-1]
	var e Entry
	switch lines[0] {
	case leafV1:
		e.LeafVersion = 1
	case leafV2:
		e.LeafVersion = 2
	default:
		return Entry{}, fmt.Errorf("leaf: unknown version line %q", lines[0])
	}
	for _, line := range lines[1:] {
		key, raw, ok := strings.Cut(line, " ")
		if !ok {
			return Entry{}, fmt.Errorf("leaf: line %q has no value", line)
		}
		val, err := unescape(raw)
		if err != nil {
			return Entry{}, fmt.Errorf("leaf: %s: %w", key, err)
		}
		if err := e.set(key, val); err != nil {
			return Entry{}, fmt.Errorf("leaf: %s: %w", key, err)
		}
	}
	if e.LeafVersion == 1 {
		e.LeafVersion = 0 // as SignatureEntry makes a version 1 entry
	}
	if err := e.Validate(); err != nil {
		return Entry{}, err
	}
	if !bytes.Equal(e.Encode(), b) {
		return Entry{}, errors.New("leaf: not in canonical form (fields out of order, repeated or escaped differently)")
	}
	return e, nil
}

// set sets one field from its leaf line.
func (e *Entry) set(key, val string) error {
	var err error
	str := map[string]*string{"kind": (*string)(&e.Kind), "code": &e.Code, "event-title": &e.EventTitle, "event-place": &e.EventPlace,
		"event-org": &e.EventOrg, "pledge": &e.PledgeHash, "org": &e.Org, "holder": &e.HolderHash, "channel": &e.Channel,
		"identity": &e.IdentityHash, "scan": &e.ScanHash, "record": &e.Record, "reason": &e.Reason, "pdf": &e.PDFHash, "purpose": &e.Purpose}
	times := map[string]*time.Time{"event-starts": &e.EventStarts, "signed": &e.SignedAt, "revoked": &e.RevokedAt, "issued": &e.IssuedAt, "uploaded": &e.Uploaded}
	switch {
	case str[key] != nil:
		*str[key] = val
	case times[key] != nil:
		*times[key], err = time.Parse(timeLayout, val)
	case key == "event":
		e.EventID, err = strconv.ParseInt(val, 10, 64)
	default:
		err = errors.New("unknown field")
	}
	return err
}

// unescape undoes appendLine's percent-escaping.
func unescape(s string) (string, error) {
	if !strings.Contains(s, "%") {
		return s, nil
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] != '%' {
			b.WriteByte(s[i])
			continue
		}
		if i+2 >= len(s) {
			return "", errors.New("truncated escape")
		}
		n, err := strconv.ParseUint(s[i+1:i+3], 16, 8)
		if err != nil {
			return "", fmt.Errorf("bad escape %q", s[i:i+3])
		}
		b.WriteByte(byte(n))
		i += 2
	}
	return b.String(), nil
}

// ParseHolderPreimage decodes a holder preimage into the position, rank
// and unit it commits to; like ParseEntry it accepts only the canonical
// form.
func ParseHolderPreimage(b []byte) (position, rank, unit string, err error) {
	lines := strings.Split(string(b), "\n")
	if len(lines) != 6 || lines[0] != "ikrar-holder/v1" || lines[5] != "" {
		return "", "", "", errors.New("holder preimage: not the five lines of ikrar-holder/v1")
	}
	vals := make([]string, 4)
	for i, key := range []string{"salt", "position", "rank", "unit"} {
		k, raw, ok := strings.Cut(lines[i+1], " ")
		if !ok || k != key {
			return "", "", "", fmt.Errorf("holder preimage: line %d is not %s", i+2, key)
		}
		if vals[i], err = unescape(raw); err != nil {
			return "", "", "", fmt.Errorf("holder preimage: %s: %w", key, err)
		}
	}
	if len(vals[0]) != 32 || !isLowerHex(vals[0]) {
		return "", "", "", errors.New("holder preimage: salt is not 32 hex digits")
	}
	// Re-encode with the salt as given: the canonical form round-trips.
	re := []byte("ikrar-holder/v1\nsalt " + vals[0] + "\n")
	re = appendLine(re, "position", vals[1])
	re = appendLine(re, "rank", vals[2])
	re = appendLine(re, "unit", vals[3])
	if !bytes.Equal(re, b) {
		return "", "", "", errors.New("holder preimage: not in canonical form")
	}
	return vals[1], vals[2], vals[3], nil
}
