package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"

	"golang.org/x/mod/sumdb/tlog"

	"github.com/ikrar-id/ikrar/internal/leaf"
	"github.com/ikrar-id/ikrar/internal/registry"
	"github.com/ikrar-id/ikrar/internal/store/row"
	"github.com/ikrar-id/ikrar/internal/translog"
)

// queryer is a *sql.DB or *sql.Tx.
type queryer interface {
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// hashReader serves tlog's stored hashes from the log_hashes table, inside a
// transaction when appending and from the reader pool when proving.
type hashReader struct {
	ctx context.Context
	q   queryer
}

func (h hashReader) ReadHashes(indexes []int64) ([]tlog.Hash, error) {
	out := make([]tlog.Hash, len(indexes))
	if len(indexes) == 0 {
		return out, nil
	}
	var rows *sql.Rows
	var err error
	if contiguous(indexes) {
		// The auditor reads the table in order: a range is one seek.
		rows, err = h.q.QueryContext(h.ctx, `SELECT idx, hash FROM log_hashes WHERE idx BETWEEN ? AND ?`, indexes[0], indexes[len(indexes)-1])
	} else {
		args := make([]any, len(indexes))
		for i, x := range indexes {
			args[i] = x
		}
		rows, err = h.q.QueryContext(h.ctx, `SELECT idx, hash FROM log_hashes WHERE idx IN (?`+strings.Repeat(`, ?`, len(indexes)-1)+`)`, args...)
	}
	if err != nil {
		return nil, fmt.Errorf("read stored hashes: %w", err)
	}
	defer rows.Close()
	found := make(map[int64]tlog.Hash, len(indexes))
	for rows.Next() {
		var idx int64
		var b []byte
		if err := rows.Scan(&idx, &b); err != nil {
			return nil, err
		}
		if len(b) != tlog.HashSize {
			return nil, fmt.Errorf("stored hash %d has %d bytes", idx, len(b))
		}
		var h tlog.Hash
		copy(h[:], b)
		found[idx] = h
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	for i, x := range indexes {
		h, ok := found[x]
		if !ok {
			return nil, fmt.Errorf("stored hash %d missing", x)
		}
		out[i] = h
	}
	return out, nil
}

// contiguous reports whether indexes are consecutive and ascending.
func contiguous(indexes []int64) bool {
	for i, x := range indexes {
		if x != indexes[0]+int64(i) {
			return false
		}
	}
	return true
}

// logAppender appends leaves inside one write transaction: it reads the
// log's size once, keeps it in memory while the transaction appends, and
// writes it back before commit.
type logAppender struct {
	ctx context.Context
	tx  *sql.Tx
	n   int64
}

func newLogAppender(ctx context.Context, tx *sql.Tx) (*logAppender, error) {
	a := &logAppender{ctx: ctx, tx: tx}
	if err := tx.QueryRowContext(ctx, `SELECT size FROM log_state WHERE id = 1`).Scan(&a.n); err != nil {
		return nil, fmt.Errorf("log size: %w", err)
	}
	return a, nil
}

// append adds leaf as the next record; the caller has already used a.n as
// the record's leaf index.
func (a *logAppender) append(leaf tlog.Hash) error {
	hashes, err := translog.Append(hashReader{a.ctx, a.tx}, a.n, leaf)
	if err != nil {
		return err
	}
	start := tlog.StoredHashIndex(0, a.n)
	args := make([]any, 0, 2*len(hashes))
	for i, h := range hashes {
		args = append(args, start+int64(i), h[:])
	}
	if _, err := a.tx.ExecContext(a.ctx, `INSERT INTO log_hashes (idx, hash) VALUES (?, ?)`+strings.Repeat(`, (?, ?)`, len(hashes)-1), args...); err != nil {
		return fmt.Errorf("write stored hashes: %w", err)
	}
	a.n++
	return nil
}

// finish records the log's new size.
func (a *logAppender) finish() error {
	_, err := a.tx.ExecContext(a.ctx, `UPDATE log_state SET size = ? WHERE id = 1`, a.n)
	return err
}

// LogSize returns the number of leaves in the log, as of the last commit
// of this process.
func (db *DB) LogSize(ctx context.Context) (int64, error) {
	return db.logSize.Load(), nil
}

// StoredLogSize reads the log's size from the database, as another process
// (a command next to a running server) must.
func (db *DB) StoredLogSize(ctx context.Context) (int64, error) {
	var n int64
	err := db.read.QueryRowContext(ctx, `SELECT size FROM log_state WHERE id = 1`).Scan(&n)
	return n, err
}

// HashReader serves the log's committed stored hashes for proofs, the
// upper levels of the tree from memory.
func (db *DB) HashReader(ctx context.Context) tlog.HashReader {
	return cachedHashReader{ctx, db, db.hashes}
}

// SaveCheckpoint keeps a signed checkpoint; one per tree size.
func (db *DB) SaveCheckpoint(ctx context.Context, c translog.SignedCheckpoint, at time.Time) error {
	return db.tx(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO checkpoints (size, root, note, created_at) VALUES (?, ?, ?, ?)
			ON CONFLICT (size) DO NOTHING`, c.Size, c.Root[:], string(c.Note), row.Millis(at))
		return err
	})
}

// SaveCosignedCheckpoint keeps c, a checkpoint a key rotation signed with
// both the old and the new key. Its text is that of any kept checkpoint of
// its size, so it replaces that one's note, which has a signature fewer; a
// kept checkpoint of its size with another root is refused.
func (db *DB) SaveCosignedCheckpoint(ctx context.Context, c translog.SignedCheckpoint, at time.Time) error {
	return db.tx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `INSERT INTO checkpoints (size, root, note, created_at) VALUES (?, ?, ?, ?)
			ON CONFLICT (size) DO UPDATE SET note = excluded.note WHERE root = excluded.root`, c.Size, c.Root[:], string(c.Note), row.Millis(at))
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil {
			return err
		} else if n != 1 {
			return fmt.Errorf("save cross-signed checkpoint %d: a kept checkpoint of that size has another root", c.Size)
		}
		return nil
	})
}

// ForgetEmptyLog deletes the checkpoints of a log that has no leaf, so the
// log may be named anew; it fails with ECONFLICT once a leaf was logged.
func (db *DB) ForgetEmptyLog(ctx context.Context) error {
	return db.tx(ctx, func(tx *sql.Tx) error {
		var n int64
		if err := tx.QueryRowContext(ctx, `SELECT size FROM log_state WHERE id = 1`).Scan(&n); err != nil {
			return err
		}
		if n > 0 {
			return registry.Errorf(registry.ECONFLICT, "the log already has %d leaves", n)
		}
		_, err := tx.ExecContext(ctx, `DELETE FROM checkpoints WHERE size = 0`)
		return err
	})
}

// LatestCheckpoint returns the newest signed checkpoint.
func (db *DB) LatestCheckpoint(ctx context.Context) (translog.SignedCheckpoint, error) {
	c, err := row.Checkpoint(db.read.QueryRowContext(ctx, `SELECT size, root, note FROM checkpoints ORDER BY size DESC LIMIT 1`))
	return c, mapErr(err, "Checkpoint")
}

// CheckpointAt returns the signed checkpoint of a tree size.
func (db *DB) CheckpointAt(ctx context.Context, size int64) (translog.SignedCheckpoint, error) {
	c, err := row.Checkpoint(db.read.QueryRowContext(ctx, `SELECT size, root, note FROM checkpoints WHERE size = ?`, size))
	return c, mapErr(err, "Checkpoint")
}

// Checkpoints lists every kept checkpoint, smallest first.
func (db *DB) Checkpoints(ctx context.Context) ([]translog.SignedCheckpoint, error) {
	return checkpoints(ctx, db.read)
}

func checkpoints(ctx context.Context, q queryer) ([]translog.SignedCheckpoint, error) {
	rows, err := q.QueryContext(ctx, `SELECT size, root, note FROM checkpoints ORDER BY size`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []translog.SignedCheckpoint
	for rows.Next() {
		c, err := row.Checkpoint(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

// LeafRecord is one log leaf as the database rows say it should be: the
// auditor recomputes its hash from the row and compares it with the tree.
type LeafRecord struct {
	Index int64
	What  string // "signature 12", "revocation 3 of signature 12", "issuance of signature 12"
	Entry translog.Entry
	// IdentityOK is false when a record that still holds its personal data
	// no longer matches its identity hash (a name or NIP edited in place).
	IdentityOK bool
	// HolderOK is false when a version 2 record that still holds its
	// personal data no longer matches its holder hash (a position, rank or
	// unit edited in place).
	HolderOK bool
}

// LeafRecords returns every row that claims a leaf, ordered by leaf index.
// Rows with a leaf index the log does not have, or two rows on one index,
// show up as gaps and duplicates for the auditor to report.
func (db *DB) LeafRecords(ctx context.Context) ([]LeafRecord, error) {
	var out []LeafRecord
	err := eachLeafRecord(ctx, db.read, func(r LeafRecord) error {
		out = append(out, r)
		return nil
	})
	return out, err
}

// LeafEntries returns the entries of leaves [from, to), rebuilt from the
// rows that claim them, in leaf order: what the entry bundles publish. It
// fails unless exactly one row claims each of those leaves.
func (db *DB) LeafEntries(ctx context.Context, from, to int64) ([]translog.Entry, error) {
	out := make([]translog.Entry, 0, max(to-from, 0))
	err := eachLeafRecordIn(ctx, db.read, []int64{from, to}, func(r LeafRecord) error {
		switch want := from + int64(len(out)); {
		case r.Index < want:
			return fmt.Errorf("leaf %d is claimed twice, also by %s", r.Index, r.What)
		case r.Index > want:
			return fmt.Errorf("no row claims leaf %d", want)
		}
		out = append(out, r.Entry)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("entries of leaves %d to %d: %w", from, to-1, err)
	}
	if int64(len(out)) != to-from {
		return nil, fmt.Errorf("entries of leaves %d to %d: no row claims leaf %d", from, to-1, from+int64(len(out)))
	}
	return out, nil
}

// The rows that claim leaves: signatures, revocations, issued certificates
// and documents kept with events.
const (
	leafSignature = iota
	leafRevocation
	leafIssuance
	leafDocument
)

// eachLeafRecord calls fn with every row that claims a leaf, by leaf index:
// signatures, revocations, issued certificates and event documents are
// four sorted queries merged, on one index in that order. Only the rows being merged are in
// memory, and neither signature images nor PDFs are read (no leaf holds
// them).
func eachLeafRecord(ctx context.Context, q queryer, fn func(LeafRecord) error) error {
	return eachLeafRecordIn(ctx, q, nil, fn)
}

// eachLeafRecordIn is eachLeafRecord for the rows whose leaf index is in
// [span[0], span[1]), or every row when span is nil; each of the three
// queries then seeks its leaf-index index.
func eachLeafRecordIn(ctx context.Context, q queryer, span []int64, fn func(LeafRecord) error) error {
	var cursors []*leafCursor
	defer func() {
		for _, c := range cursors {
			c.close()
		}
	}()
	for _, k := range []struct {
		where, order string
		kind         int
	}{
		{``, `s.leaf_index`, leafSignature},
		{` WHERE r.id IS NOT NULL`, `r.leaf_index`, leafRevocation},
		{` WHERE c.signature_id IS NOT NULL`, `c.leaf_index`, leafIssuance},
		{``, `d.leaf_index`, leafDocument},
	} {
		if k.kind == leafDocument {
			// A database opened at an older schema (tests, an auditor's
			// OpenCopySource) has no documents.
			var n int
			if err := q.QueryRowContext(ctx, `SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = 'event_documents'`).Scan(&n); err != nil {
				return err
			}
			if n == 0 {
				continue
			}
		}
		var args []any
		if span != nil {
			k.where = ` WHERE ` + k.order + ` >= ? AND ` + k.order + ` < ?`
			args = []any{span[0], span[1]}
		}
		c, err := newLeafCursor(ctx, q, k.where, k.order, k.kind, args...)
		if err != nil {
			return err
		}
		cursors = append(cursors, c)
	}
	for {
		var c *leafCursor
		for _, x := range cursors {
			if x.ok && (c == nil || x.rec.Index < c.rec.Index) {
				c = x
			}
		}
		if c == nil {
			return nil
		}
		if err := fn(c.rec); err != nil {
			return err
		}
		if err := c.next(); err != nil {
			return err
		}
	}
}

// leafCursor reads the signatures, the revocations or the issued
// certificates that claim leaves.
type leafCursor struct {
	rows *sql.Rows
	kind int
	ok   bool // rec holds the next record
	rec  LeafRecord
}

func newLeafCursor(ctx context.Context, q queryer, where, order string, kind int, args ...any) (*leafCursor, error) {
	query := `SELECT ` + signatureColumnsNoInk + row.SignatureFrom + where + ` ORDER BY ` + order + `, s.id`
	if kind == leafDocument {
		query = `SELECT ` + documentColumns + ` FROM event_documents d` + where + ` ORDER BY ` + order + `, d.id`
	}
	rows, err := q.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, fmt.Errorf("read records: %w", err)
	}
	c := &leafCursor{rows: rows, kind: kind}
	return c, c.next()
}

func (c *leafCursor) next() error {
	c.ok = false
	if !c.rows.Next() {
		if err := c.rows.Err(); err != nil {
			return fmt.Errorf("read records: %w", err)
		}
		return nil
	}
	if c.kind == leafDocument {
		d, err := row.Document(c.rows)
		if err != nil {
			return fmt.Errorf("read documents: %w", err)
		}
		c.rec = LeafRecord{Index: d.LeafIndex, What: fmt.Sprintf("document %d (%s of event %d)", d.ID, d.Purpose, d.EventID),
			Entry: leaf.Document(d), IdentityOK: true, HolderOK: true}
		c.ok = true
		return nil
	}
	s, err := row.Signature(c.rows, false)
	if err != nil {
		return fmt.Errorf("read records: %w", err)
	}
	switch c.kind {
	case leafRevocation:
		r := *s.Revocation
		c.rec = LeafRecord{Index: r.LeafIndex, What: fmt.Sprintf("revocation %d of signature %d (certificate %s)", r.ID, s.ID, s.Code),
			Entry: leaf.Revocation(s, r), IdentityOK: true, HolderOK: true}
	case leafIssuance:
		c.rec = LeafRecord{Index: s.Issuance.LeafIndex, What: fmt.Sprintf("issuance of signature %d (certificate %s)", s.ID, s.Code),
			Entry: leaf.Issuance(s, s.Issuance.PDFHash, s.Issuance.IssuedAt), IdentityOK: true, HolderOK: true}
	default:
		identity, holder := leaf.PersonalDataOK(s)
		c.rec = LeafRecord{Index: s.LeafIndex, What: fmt.Sprintf("signature %d (certificate %s)", s.ID, s.Code),
			Entry: leaf.Signature(s), IdentityOK: identity, HolderOK: holder}
	}
	c.ok = true
	return nil
}

func (c *leafCursor) close() { c.rows.Close() }
