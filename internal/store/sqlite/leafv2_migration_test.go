package sqlite_test

import (
	"context"
	"testing"
	"time"

	"golang.org/x/mod/sumdb/tlog"

	"github.com/ikrar-id/ikrar/internal/leaf"
	"github.com/ikrar-id/ikrar/internal/registry"
	"github.com/ikrar-id/ikrar/internal/store/sqlite"
	"github.com/ikrar-id/ikrar/internal/translog"
)

// TestMigrationToLeafV2 opens a database at schema 9, stores a record, its
// revocation and its certificate as schema 9 did, and reopens it with the
// current code: the rows stay version 1, recompute to the very leaves
// they were logged with, and the certificate has no issuance leaf.
func TestMigrationToLeafV2(t *testing.T) {
	ctx := context.Background()
	old, path := atVersion(t, 9)
	now := time.Date(2024, 10, 23, 2, 0, 0, 123e6, time.UTC)
	exec := func(q string, args ...any) {
		t.Helper()
		if err := sqlite.ExecForTest(old, ctx, q, args...); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	exec(`INSERT INTO organizations (id, parent_id, name, kind, timezone, path, created_at)
		VALUES (1, NULL, 'Kabupaten Uji', 'regency', 'Asia/Jakarta', '/1/', ?)`, now.UnixMilli())
	p := registry.DefaultPledge()
	if err := old.CreatePledge(ctx, &p); err != nil {
		t.Fatal(err)
	}
	ev := registry.Event{OrgID: 1, Slug: "s", Code: "ABCDEF", Title: "Apel", Mode: registry.ModeInPerson, Place: "Aula", StartsAt: now,
		PledgeID: p.ID, OfficialName: "X", OfficialPosition: "Y", Status: registry.StatusOpen, CreatedAt: now}
	if err := old.CreateEvent(ctx, &ev); err != nil {
		t.Fatal(err)
	}
	salt := []byte("0123456789abcdef")
	v1 := registry.Signature{EventID: ev.ID, Code: "OLDRECORD001", NIP: "198609262015051002", Name: "Pegawai Dinas",
		PledgeHash: p.Hash, SignedAt: now, Channel: registry.ChannelEventCode, IdentitySalt: salt}
	v1.IdentityHash = leaf.Identity(v1)
	exec(`INSERT INTO signatures (id, event_id, code, nip, name, position, rank, unit, org_name, category,
		pledge_hash, ink_kind, ink, consent, signed_at, channel, client_ip, user_agent, identity_salt, identity_hash, leaf_index, pdf_hash)
		VALUES (1, ?, ?, ?, ?, 'Analis', 'III/a', 'Bidang A', 'Dinas', 'PNS', ?, 'typed', 'x', 1, ?, 'event_code', '', '', ?, ?, 0, ?)`,
		ev.ID, v1.Code, v1.NIP, v1.Name, p.Hash, now.UnixMilli(), salt, v1.IdentityHash, issuedPDF(1, "%PDF old").SHA256)
	rev := registry.Revocation{Reason: "Duplikat data", RevokedAt: now.Add(time.Hour)}
	exec(`INSERT INTO revocations (signature_id, reason, user_id, user_name, revoked_at, leaf_index) VALUES (1, ?, 1, 'Admin', ?, 1)`,
		rev.Reason, rev.RevokedAt.UnixMilli())
	exec(`INSERT INTO certificate_pdfs (signature_id, pdf) VALUES (1, '%PDF old')`)
	wantSig := leaf.Signature(v1).Encode()
	wantRev := leaf.Revocation(v1, rev).Encode()
	// The log as schema 9 kept it: the two leaves and their stored hashes.
	var stored []tlog.Hash
	reader := tlog.HashReaderFunc(func(idx []int64) ([]tlog.Hash, error) {
		out := make([]tlog.Hash, len(idx))
		for i, x := range idx {
			out[i] = stored[x]
		}
		return out, nil
	})
	for n, pre := range [][]byte{wantSig, wantRev} {
		hs, err := translog.Append(reader, int64(n), tlog.RecordHash(pre))
		if err != nil {
			t.Fatal(err)
		}
		for _, h := range hs {
			exec(`INSERT INTO log_hashes (idx, hash) VALUES (?, ?)`, len(stored), h[:])
			stored = append(stored, h)
		}
	}
	exec(`UPDATE log_state SET size = 2`)
	db := reopen(t, old, path)
	got, err := db.SignatureByCode(ctx, v1.Code)
	if err != nil {
		t.Fatal(err)
	}
	if got.LeafVersion != 1 || got.Revocation == nil || got.Revocation.LeafVersion != 1 {
		t.Fatalf("after the migration: record version %d, revocation %+v; want both version 1", got.LeafVersion, got.Revocation)
	}
	if got.Issuance != nil {
		t.Fatalf("certificate stored before issuances were logged: issuance %+v, want none", got.Issuance)
	}
	recs, err := db.LeafRecords(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(recs) != 2 {
		t.Fatalf("%d rows claim leaves, want the record and its revocation", len(recs))
	}
	for i, want := range [][]byte{wantSig, wantRev} {
		if e := recs[i].Entry; string(e.Encode()) != string(want) || e.Version() != 1 {
			t.Errorf("leaf %d after the migration (v%d):\n%s\nwant the v1 leaf it was logged with:\n%s", i, e.Version(), e.Encode(), want)
		}
		if !recs[i].IdentityOK || !recs[i].HolderOK {
			t.Errorf("leaf %d: a version 1 record's personal data reported edited", i)
		}
	}

	// At the upgrade the certificate stored before gets its issuance leaf,
	// once, naming the version 1 record.
	at := now.Add(48 * time.Hour)
	for range 2 {
		if n, bad, err := db.LogStoredPDFs(ctx, func() time.Time { return at }); err != nil || len(bad) != 0 {
			t.Fatalf("log stored certificates: %d, %v, %v", n, bad, err)
		}
	}
	if size, _ := db.StoredLogSize(ctx); size != 3 {
		t.Fatalf("log size %d after logging the stored certificate, want 3", size)
	}
	if recs, err = db.LeafRecords(ctx); err != nil || len(recs) != 3 {
		t.Fatalf("%d rows claim leaves (%v), want 3", len(recs), err)
	}
	want := leaf.Issuance(v1, issuedPDF(1, "%PDF old").SHA256, at)
	if got := recs[2].Entry; string(got.Encode()) != string(want.Encode()) {
		t.Errorf("issuance leaf:\n%s\nwant\n%s", got.Encode(), want.Encode())
	}
	hs, err := db.HashReader(ctx).ReadHashes([]int64{tlog.StoredHashIndex(0, 2)})
	if err != nil || hs[0] != want.Hash() {
		t.Errorf("the stored leaf 2 is not the issuance leaf (%v)", err)
	}
}
