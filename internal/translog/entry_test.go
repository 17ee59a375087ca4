package translog

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"strings"
	"testing"
	"time"

	"golang.org/x/mod/sumdb/tlog"
)

var (
	pledgeHex   = strings.Repeat("ab", 32)
	identityHex = strings.Repeat("0f", 32)
)

func sampleEntry() Entry {
	return Entry{
		Kind:         KindSignature,
		EventID:      12,
		PledgeHash:   pledgeHex,
		SignedAt:     time.Date(2024, 10, 23, 9, 0, 0, 123_456_789, time.FixedZone("WIB", 7*3600)),
		Channel:      "event_code",
		Code:         "K7M4QX2P9ABC",
		IdentityHash: identityHex,
	}
}

func sampleRevocation() Entry {
	e := sampleEntry()
	e.Kind = KindRevocation
	e.Reason = ReasonHash("Duplikat")
	e.RevokedAt = time.Date(2024, 10, 24, 8, 30, 0, 0, time.UTC)
	return e
}

func TestEntryEncode(t *testing.T) {
	tests := []struct {
		name  string
		entry Entry
		want  string
	}{
		{"signature", sampleEntry(), "ikrar-leaf/v1\nkind signature\nevent 12\npledge " + pledgeHex +
			"\nsigned 2024-10-23T02:00:00.123Z\nchannel event_code\ncode K7M4QX2P9ABC\nidentity " + identityHex + "\n"},
		{"revocation", sampleRevocation(), "ikrar-leaf/v1\nkind revocation\nevent 12\npledge " + pledgeHex +
			"\nsigned 2024-10-23T02:00:00.123Z\nchannel event_code\ncode K7M4QX2P9ABC\nidentity " + identityHex +
			"\nreason " + ReasonHash("Duplikat") + "\nrevoked 2024-10-24T08:30:00.000Z\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if err := tt.entry.Validate(); err != nil {
				t.Fatalf("Validate: %v", err)
			}
			got := tt.entry.Encode()
			if string(got) != tt.want {
				t.Errorf("Encode =\n%s\nwant\n%s", got, tt.want)
			}
			if tt.entry.Hash() != tlog.RecordHash([]byte(tt.want)) {
				t.Error("Hash is not the record hash of the encoding")
			}
		})
	}
}

func TestEntryEncodeEscapes(t *testing.T) {
	plain := sampleEntry()
	forged := sampleEntry()
	forged.Code = "X\nidentity " + identityHex
	forged.Channel = "a%0Ab"
	enc := forged.Encode()
	if n := bytes.Count(enc, []byte("\n")); n != 8 {
		t.Errorf("encoding with a newline in a field has %d lines, want 8:\n%s", n, enc)
	}
	if !bytes.Contains(enc, []byte("code X%0Aidentity ")) || !bytes.Contains(enc, []byte("channel a%250Ab\n")) {
		t.Errorf("fields not escaped:\n%s", enc)
	}
	if forged.Validate() == nil {
		t.Error("Validate accepted a newline in the code")
	}
	if plain.Hash() == forged.Hash() {
		t.Error("different entries hash alike")
	}
}

func TestEntryValidate(t *testing.T) {
	tests := []struct {
		name   string
		modify func(*Entry)
	}{
		{"unknown kind", func(e *Entry) { e.Kind = "other" }},
		{"zero event", func(e *Entry) { e.EventID = 0 }},
		{"short pledge hash", func(e *Entry) { e.PledgeHash = pledgeHex[:62] }},
		{"upper-case pledge hash", func(e *Entry) { e.PledgeHash = strings.ToUpper(pledgeHex) }},
		{"bad identity hash", func(e *Entry) { e.IdentityHash = "" }},
		{"zero signing time", func(e *Entry) { e.SignedAt = time.Time{} }},
		{"empty channel", func(e *Entry) { e.Channel = "" }},
		{"tab in code", func(e *Entry) { e.Code = "A\tB" }},
		{"signature with reason", func(e *Entry) { e.Reason = ReasonHash("x") }},
		{"revocation without reason", func(e *Entry) { *e = sampleRevocation(); e.Reason = "" }},
		{"revocation without time", func(e *Entry) { *e = sampleRevocation(); e.RevokedAt = time.Time{} }},
		{"revoked before signed", func(e *Entry) {
			*e = sampleRevocation()
			e.RevokedAt = e.SignedAt.Add(-time.Hour)
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := sampleEntry()
			tt.modify(&e)
			if err := e.Validate(); err == nil {
				t.Errorf("Validate accepted %+v", e)
			}
		})
	}
}

func TestIdentityHash(t *testing.T) {
	salt := bytes.Repeat([]byte{7}, IdentitySaltSize)
	nip, name := "198501012010011001", "Siti Aminah, S.H."

	// Spelled out independently of the implementation.
	var msg []byte
	msg = append(msg, "ikrar-identity/v1\x00"...)
	msg = append(msg, 0, 0, 0, 16)
	msg = append(msg, salt...)
	msg = append(msg, 0, 0, 0, byte(len(nip)))
	msg = append(msg, nip...)
	msg = append(msg, 0, 0, 0, byte(len(name)))
	msg = append(msg, name...)
	sum := sha256.Sum256(msg)
	want := hex.EncodeToString(sum[:])

	if got := IdentityHash(salt, nip, name); got != want {
		t.Fatalf("IdentityHash = %s, want %s", got, want)
	}
	others := map[string]string{
		"other salt":    IdentityHash(bytes.Repeat([]byte{8}, IdentitySaltSize), nip, name),
		"other nip":     IdentityHash(salt, "198501012010011002", name),
		"other name":    IdentityHash(salt, nip, "Siti Aminah"),
		"shifted field": IdentityHash(salt, nip+"S", name[1:]),
	}
	for what, h := range others {
		if h == want {
			t.Errorf("%s gives the same identity hash", what)
		}
	}
}
