package translog

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"flag"
	"os"
	"strings"
	"testing"
	"time"

	"golang.org/x/mod/sumdb/tlog"
)

// go test -run TestLeafVectors ./internal/translog -update rewrites the
// vectors from the code; without it the code must reproduce them.
var update = flag.Bool("update", false, "rewrite the test vectors under testdata")

// leafFields are a leaf's inputs, named as in the leaf (docs/FORMATS.md §4);
// values are as stored, before escaping.
type leafFields struct {
	Kind        string `json:"kind"`
	Code        string `json:"code"`
	Event       int64  `json:"event,omitempty"`
	EventTitle  string `json:"event-title,omitempty"`
	EventPlace  string `json:"event-place,omitempty"`
	EventStarts string `json:"event-starts,omitempty"`
	EventOrg    string `json:"event-org,omitempty"`
	Pledge      string `json:"pledge,omitempty"`
	Org         string `json:"org,omitempty"`
	Holder      string `json:"holder,omitempty"`
	Channel     string `json:"channel,omitempty"`
	Scan        string `json:"scan,omitempty"`
	Signed      string `json:"signed,omitempty"`
	Identity    string `json:"identity,omitempty"`
	Record      string `json:"record,omitempty"`
	Reason      string `json:"reason,omitempty"`
	Revoked     string `json:"revoked,omitempty"`
	PDF         string `json:"pdf,omitempty"`
	Issued      string `json:"issued,omitempty"`
	Purpose     string `json:"purpose,omitempty"`
	Uploaded    string `json:"uploaded,omitempty"`
}

type leafVector struct {
	Description string     `json:"description"`
	Version     int        `json:"version"`
	Fields      leafFields `json:"fields"`
	// ReasonText is the revocation reason whose ReasonHash is Fields.Reason.
	ReasonText     string `json:"reason_text,omitempty"`
	Preimage       string `json:"preimage"`
	PreimageSHA256 string `json:"preimage_sha256"`
	// LeafHash is SHA-256(0x00 || preimage), hex; LeafHashBase64 is the
	// same as the API's log.leaf_hash shows it.
	LeafHash       string `json:"leaf_hash"`
	LeafHashBase64 string `json:"leaf_hash_base64"`
}

func mustTime(t *testing.T, s string) time.Time {
	t.Helper()
	if s == "" {
		return time.Time{}
	}
	v, err := time.Parse(timeLayout, s)
	if err != nil {
		t.Fatalf("time %q: %v", s, err)
	}
	return v
}

func (f leafFields) entry(t *testing.T, version int) Entry {
	return Entry{LeafVersion: version, Kind: Kind(f.Kind), Code: f.Code, EventID: f.Event, EventTitle: f.EventTitle,
		EventPlace: f.EventPlace, EventStarts: mustTime(t, f.EventStarts), EventOrg: f.EventOrg, PledgeHash: f.Pledge,
		Org: f.Org, HolderHash: f.Holder, Channel: f.Channel, ScanHash: f.Scan, SignedAt: mustTime(t, f.Signed), IdentityHash: f.Identity,
		Record: f.Record, Reason: f.Reason, RevokedAt: mustTime(t, f.Revoked), PDFHash: f.PDF, IssuedAt: mustTime(t, f.Issued),
		Purpose: f.Purpose, Uploaded: mustTime(t, f.Uploaded)}
}

// The default pledge's canonical hash (internal/registry/testdata/pledge-default.json).
const vectorPledge = "dbe1448f86bcb808f5dc83f0413af0b0713162a4cb45e1e549416da4adfc2479"

// vectorSalt is the identity salt of the vectors' record: 16 bytes.
var vectorSalt = []byte{0x10, 0x32, 0x54, 0x76, 0x98, 0xba, 0xdc, 0xfe, 0x01, 0x23, 0x45, 0x67, 0x89, 0xab, 0xcd, 0xef}

func leafVectors(t *testing.T) map[string]leafVector {
	identity := IdentityHash(vectorSalt, "198609262015051001", "Dr. Siti Rahmawati, S.E., M.Si.")
	holder := HolderHash(HolderPreimage(vectorSalt, "Analis Kebijakan Ahli Muda", "Penata (III/c)", "Bidang Perencanaan"))
	v1 := leafFields{Kind: "signature", Code: "K7M4QX2P9ABC", Event: 12, Pledge: vectorPledge, Channel: "event_code",
		Signed: "2024-10-23T02:00:00.123Z", Identity: identity}
	v1rev := v1
	v1rev.Kind, v1rev.Reason, v1rev.Revoked = "revocation", ReasonHash("Data ganda"), "2024-10-24T08:30:00.000Z"
	v2 := leafFields{Kind: "signature", Code: "K7M4QX2P9ABC", Event: 12, EventTitle: "Apel Ikrar Netralitas ASN 2024",
		EventPlace: "Aula Kantor Bupati, Lt. 2 (100% hadir)", EventStarts: "2024-10-23T01:30:00.000Z",
		EventOrg: "Pemerintah Kabupaten Contoh", Pledge: vectorPledge, Org: "Badan Perencanaan Pembangunan Daerah",
		Holder: holder, Channel: "event_code", Signed: "2024-10-23T02:00:00.123Z", Identity: identity}
	record := v2.entry(t, 2).Hash()
	v2rev := leafFields{Kind: "revocation", Code: v2.Code, Record: LeafHex(record), Reason: ReasonHash("Data ganda"),
		Revoked: "2024-10-24T08:30:00.000Z"}
	pdf := sha256.Sum256([]byte("%PDF-1.7 example certificate\n"))
	v2iss := leafFields{Kind: "issuance", Code: v2.Code, Record: LeafHex(record), PDF: hex.EncodeToString(pdf[:]),
		Issued: "2024-10-23T02:00:05.250Z"}
	scan := sha256.Sum256([]byte("%PDF-1.7 example scan of a signed pakta\n"))
	v2paper := v2
	v2paper.Channel, v2paper.Scan = "paper", hex.EncodeToString(scan[:])
	ba := sha256.Sum256([]byte("%PDF-1.7 example signed Berita Acara\n"))
	doc := leafFields{Kind: "document", Event: 12, Purpose: "berita-acara", PDF: hex.EncodeToString(ba[:]),
		Uploaded: "2024-10-25T03:15:00.500Z"}
	return map[string]leafVector{
		"leaf-v2-paper.json": {Description: "a signature leaf of version 2 made on paper: channel paper and, after it, scan, the " +
			"SHA-256 of the 40 bytes \"%PDF-1.7 example scan of a signed pakta\\n\" the officer uploaded", Version: 2, Fields: v2paper},
		"leaf-v1-signature.json":  {Description: "a signature leaf of version 1 (records made before version 2)", Version: 1, Fields: v1},
		"leaf-v1-revocation.json": {Description: "a revocation leaf of version 1", Version: 1, Fields: v1rev, ReasonText: "Data ganda"},
		"leaf-v2-signature.json": {Description: "a signature leaf of version 2; the event place shows the escaping of %; " +
			"identity is identity-v1.json's hash, holder holder-v1.json's", Version: 2, Fields: v2},
		"leaf-v2-revocation.json": {Description: "a revocation leaf of version 2 of leaf-v2-signature.json's record", Version: 2,
			Fields: v2rev, ReasonText: "Data ganda"},
		"leaf-v2-issuance.json": {Description: "the issuance leaf of leaf-v2-signature.json's record; pdf is the SHA-256 of the " +
			"29 bytes \"%PDF-1.7 example certificate\\n\"", Version: 2, Fields: v2iss},
		"leaf-v2-document.json": {Description: "a document leaf: the signed Berita Acara of event 12 uploaded back; it has no code; " +
			"pdf is the SHA-256 of the 37 bytes \"%PDF-1.7 example signed Berita Acara\\n\"", Version: 2, Fields: doc},
	}
}

func checkVector(t *testing.T, file string, got any, read any) {
	t.Helper()
	path := "testdata/" + file
	want, err := json.MarshalIndent(got, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	want = append(want, '\n')
	if *update {
		if err := os.WriteFile(path, want, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, read); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	if string(b) != string(want) {
		t.Errorf("%s differs from what the code computes (run with -update only if the format changed on purpose):\n%s", path, want)
	}
}

// TestLeafVectors checks every leaf version against its vector: the
// vector's fields encode to its exact preimage, which hashes to its leaf
// hash, and the preimage is a valid entry.
func TestLeafVectors(t *testing.T) {
	for file, v := range leafVectors(t) {
		t.Run(file, func(t *testing.T) {
			e := v.Fields.entry(t, v.Version)
			if err := e.Validate(); err != nil {
				t.Fatalf("vector entry does not validate: %v", err)
			}
			if v.ReasonText != "" && ReasonHash(v.ReasonText) != v.Fields.Reason {
				t.Fatalf("reason hash of %q", v.ReasonText)
			}
			pre := e.Encode()
			sum := sha256.Sum256(pre)
			leaf := e.Hash()
			v.Preimage, v.PreimageSHA256, v.LeafHash, v.LeafHashBase64 = string(pre), hex.EncodeToString(sum[:]), LeafHex(leaf), leaf.String()
			var read leafVector
			checkVector(t, file, v, &read)
			// From the file alone, as an outside verifier would.
			if h := tlog.RecordHash([]byte(read.Preimage)); LeafHex(h) != read.LeafHash || h.String() != read.LeafHashBase64 {
				t.Errorf("leaf hash of the file's preimage is %s, the file says %s", LeafHex(h), read.LeafHash)
			}
			if e.Version() != v.Version {
				t.Errorf("Version() = %d, want %d", e.Version(), v.Version)
			}
		})
	}
}

type identityVector struct {
	Description string `json:"description"`
	SaltHex     string `json:"salt_hex"`
	NIP         string `json:"nip"`
	Name        string `json:"name"`
	PreimageHex string `json:"preimage_hex"`
	Hash        string `json:"identity_hash"`
}

// identityPreimage spells out IdentityHash's input, independently.
func identityPreimage(salt []byte, fields ...string) []byte {
	b := []byte("ikrar-identity/v1\x00")
	for _, f := range append([]string{string(salt)}, fields...) {
		b = append(b, byte(len(f)>>24), byte(len(f)>>16), byte(len(f)>>8), byte(len(f)))
		b = append(b, f...)
	}
	return b
}

func TestIdentityVector(t *testing.T) {
	v := identityVector{Description: "identity commitment: SHA-256 of \"ikrar-identity/v1\" 0x00, then salt, NIP and name, " +
		"each preceded by its length in 4 big-endian bytes", SaltHex: hex.EncodeToString(vectorSalt),
		NIP: "198609262015051001", Name: "Dr. Siti Rahmawati, S.E., M.Si."}
	pre := identityPreimage(vectorSalt, v.NIP, v.Name)
	sum := sha256.Sum256(pre)
	v.PreimageHex, v.Hash = hex.EncodeToString(pre), hex.EncodeToString(sum[:])
	if got := IdentityHash(vectorSalt, v.NIP, v.Name); got != v.Hash {
		t.Fatalf("IdentityHash = %s, the spelled-out preimage hashes to %s", got, v.Hash)
	}
	var read identityVector
	checkVector(t, "identity-v1.json", v, &read)
	salt, _ := hex.DecodeString(read.SaltHex)
	if IdentityHash(salt, read.NIP, read.Name) != read.Hash {
		t.Error("the file's inputs do not give its identity hash")
	}
}

type holderVector struct {
	Description     string `json:"description"`
	IdentitySaltHex string `json:"identity_salt_hex"`
	HolderSaltHex   string `json:"holder_salt_hex"`
	Position        string `json:"position"`
	Rank            string `json:"rank"`
	Unit            string `json:"unit"`
	Preimage        string `json:"preimage"`
	Hash            string `json:"holder_hash"`
}

func TestHolderVector(t *testing.T) {
	v := holderVector{Description: "holder commitment: salt = first 16 bytes of SHA-256(\"ikrar-holder-salt/v1\" 0x00 || identity salt); " +
		"holder = SHA-256 of the preimage", IdentitySaltHex: hex.EncodeToString(vectorSalt),
		Position: "Analis Kebijakan Ahli Muda", Rank: "Penata (III/c)", Unit: "Bidang Perencanaan"}
	derived := sha256.Sum256(append([]byte("ikrar-holder-salt/v1\x00"), vectorSalt...))
	v.HolderSaltHex = hex.EncodeToString(derived[:16])
	pre := HolderPreimage(vectorSalt, v.Position, v.Rank, v.Unit)
	v.Preimage, v.Hash = string(pre), HolderHash(pre)
	want := "ikrar-holder/v1\nsalt " + v.HolderSaltHex + "\nposition " + v.Position + "\nrank " + v.Rank + "\nunit " + v.Unit + "\n"
	if v.Preimage != want {
		t.Fatalf("holder preimage\n%s\nwant\n%s", v.Preimage, want)
	}
	var read holderVector
	checkVector(t, "holder-v1.json", v, &read)
	sum := sha256.Sum256([]byte(read.Preimage))
	if hex.EncodeToString(sum[:]) != read.Hash {
		t.Error("the file's preimage does not hash to its holder hash")
	}
}

// TestValidateV2Strict: a version 2 entry with a field of another kind, a
// missing field or a malformed hash is refused before it is appended.
func TestValidateV2Strict(t *testing.T) {
	vs := leafVectors(t)
	sig := vs["leaf-v2-signature.json"].Fields.entry(t, 2)
	rev := vs["leaf-v2-revocation.json"].Fields.entry(t, 2)
	iss := vs["leaf-v2-issuance.json"].Fields.entry(t, 2)
	paper := vs["leaf-v2-paper.json"].Fields.entry(t, 2)
	doc := vs["leaf-v2-document.json"].Fields.entry(t, 2)
	for _, tt := range []struct {
		name string
		e    Entry
		edit func(*Entry)
	}{
		{"signature without holder", sig, func(e *Entry) { e.HolderHash = "" }},
		{"signature without event title", sig, func(e *Entry) { e.EventTitle = "" }},
		{"signature without event start", sig, func(e *Entry) { e.EventStarts = time.Time{} }},
		{"signature without organization", sig, func(e *Entry) { e.Org = "" }},
		{"signature with a newline in the title", sig, func(e *Entry) { e.EventTitle += "\nholder x" }},
		{"signature with a record", sig, func(e *Entry) { e.Record = iss.Record }},
		{"signature with upper-case identity", sig, func(e *Entry) { e.IdentityHash = "AB" + e.IdentityHash[2:] }},
		{"paper signature without scan", paper, func(e *Entry) { e.ScanHash = "" }},
		{"paper signature with a short scan hash", paper, func(e *Entry) { e.ScanHash = e.ScanHash[:62] }},
		{"signature of another channel with a scan", sig, func(e *Entry) { e.ScanHash = paper.ScanHash }},
		{"paper signature in version 1", paper, func(e *Entry) {
			e.LeafVersion = 1
			e.EventTitle, e.EventPlace, e.EventStarts, e.EventOrg, e.Org, e.HolderHash = "", "", time.Time{}, "", "", ""
		}},
		{"revocation with a scan", rev, func(e *Entry) { e.ScanHash = paper.ScanHash }},
		{"revocation with an event", rev, func(e *Entry) { e.EventID = 12 }},
		{"revocation without record", rev, func(e *Entry) { e.Record = "" }},
		{"revocation with a PDF", rev, func(e *Entry) { e.PDFHash = iss.PDFHash }},
		{"issuance without PDF", iss, func(e *Entry) { e.PDFHash = "" }},
		{"issuance without time", iss, func(e *Entry) { e.IssuedAt = time.Time{} }},
		{"issuance with a reason", iss, func(e *Entry) { e.Reason = rev.Reason }},
		{"issuance in version 1", iss, func(e *Entry) { e.LeafVersion = 1 }},
		{"document with a code", doc, func(e *Entry) { e.Code = sig.Code }},
		{"document without event", doc, func(e *Entry) { e.EventID = 0 }},
		{"document without purpose", doc, func(e *Entry) { e.Purpose = "" }},
		{"document without PDF", doc, func(e *Entry) { e.PDFHash = "" }},
		{"document without time", doc, func(e *Entry) { e.Uploaded = time.Time{} }},
		{"document with a record", doc, func(e *Entry) { e.Record = iss.Record }},
		{"document in version 1", doc, func(e *Entry) { e.LeafVersion = 1 }},
		{"issuance with a purpose", iss, func(e *Entry) { e.Purpose = "berita-acara" }},
		{"version 3", sig, func(e *Entry) { e.LeafVersion = 3 }},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if err := tt.e.Validate(); err != nil {
				t.Fatalf("the unedited entry does not validate: %v", err)
			}
			e := tt.e
			tt.edit(&e)
			if e.Validate() == nil {
				t.Errorf("Validate accepted %s", e.Encode())
			}
		})
	}
}

// TestParseEntryVectors: every vector's preimage parses back to its
// fields, and a non-canonical preimage is refused.
func TestParseEntryVectors(t *testing.T) {
	for file, v := range leafVectors(t) {
		want := v.Fields.entry(t, v.Version)
		got, err := ParseEntry(want.Encode())
		if err != nil {
			t.Fatalf("%s: %v", file, err)
		}
		if string(got.Encode()) != string(want.Encode()) || got.Version() != v.Version || got.Code != want.Code || got.EventPlace != want.EventPlace {
			t.Errorf("%s: parsed %+v", file, got)
		}
	}
	sig := leafVectors(t)["leaf-v2-signature.json"].Fields.entry(t, 2).Encode()
	for name, bad := range map[string]string{
		"unescaped percent": strings.Replace(string(sig), "100%25", "100%", 1),
		"lines swapped":     strings.Replace(string(sig), "code K7M4QX2P9ABC\nevent 12\n", "event 12\ncode K7M4QX2P9ABC\n", 1),
		"no final newline":  strings.TrimSuffix(string(sig), "\n"),
		"field repeated":    string(sig) + "org X\n",
	} {
		if _, err := ParseEntry([]byte(bad)); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
	pre := HolderPreimage(vectorSalt, "Analis", "Penata (III/c)", "Bidang 100%")
	if p, r, u, err := ParseHolderPreimage(pre); err != nil || p != "Analis" || r != "Penata (III/c)" || u != "Bidang 100%" {
		t.Errorf("holder preimage parsed to %q %q %q, %v", p, r, u, err)
	}
}
