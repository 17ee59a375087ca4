package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"os"

	"golang.org/x/mod/sumdb/tlog"

	"github.com/ikrar-id/ikrar/internal/registry"
	"github.com/ikrar-id/ikrar/internal/store/row"
	"github.com/ikrar-id/ikrar/internal/translog"
)

// StoredHashTable describes the log_hashes table as it is, for the auditor:
// a log of n leaves has exactly tlog.StoredHashCount(n) rows at indexes 0 to
// that count minus one, so more rows mean the log's tail was cut off, and
// fewer or a gap mean hashes were deleted.
type StoredHashTable struct {
	Count    int64
	Min, Max int64 // -1 when the table is empty
}

func storedHashes(ctx context.Context, q queryer) (StoredHashTable, error) {
	t := StoredHashTable{Min: -1, Max: -1}
	err := q.QueryRowContext(ctx, `SELECT COUNT(*), COALESCE(MIN(idx), -1), COALESCE(MAX(idx), -1) FROM log_hashes`).
		Scan(&t.Count, &t.Min, &t.Max)
	if err != nil {
		return t, fmt.Errorf("describe stored hashes: %w", err)
	}
	return t, nil
}

func storedLogSize(ctx context.Context, q queryer) (int64, error) {
	var n int64
	if err := q.QueryRowContext(ctx, `SELECT size FROM log_state WHERE id = 1`).Scan(&n); err != nil {
		return 0, fmt.Errorf("read log size: %w", err)
	}
	return n, nil
}

// LogView reads a database for an auditor, who may hold only a copy and
// must change nothing: it is opened read-only, and never writes, creates
// or deletes a file beside the database.
type LogView struct {
	db     *sql.DB
	schema int
}

// SchemaVersion is the schema version of the database viewed.
func (v *LogView) SchemaVersion() int { return v.schema }

// OpenLogView opens the database file read-only. A database without a
// write-ahead log beside it (a backup, or that of a stopped server) is
// opened immutable: SQLite then takes no locks and creates no -wal or -shm.
// One with a -wal is in use, or was left by a server that stopped
// abruptly; it is read through its -shm, as any reader does, which must
// then exist.
func OpenLogView(file string) (*LogView, error) { return openLogView(file, schemaExact) }

// OpenCopySource opens the database file read-only as OpenLogView does,
// for a command that copies it whole (backup): it accepts an older schema
// too, which it never migrates, and refuses only a newer one.
func OpenCopySource(file string) (*LogView, error) { return openLogView(file, schemaNotNewer) }

// What schema versions a read-only view accepts.
type schemaCheck int

const (
	schemaExact    schemaCheck = iota // this build's only
	schemaNotNewer                    // this build's or an older one
	schemaAny                         // any: to report it
)

func openLogView(file string, accept schemaCheck) (*LogView, error) {
	if _, err := os.Stat(file); err != nil {
		return nil, err
	}
	q := url.Values{}
	q.Set("mode", "ro")
	q.Add("_pragma", "query_only(1)")
	q.Add("_pragma", "busy_timeout(10000)")
	switch _, err := os.Stat(file + "-wal"); {
	case errors.Is(err, fs.ErrNotExist):
		q.Set("immutable", "1")
	case err != nil:
		return nil, err
	default:
		if _, err := os.Stat(file + "-shm"); err != nil {
			return nil, fmt.Errorf("%s-wal has no %s-shm beside it, which a read-only reader needs: copy the -shm with it, or make the copy with ikrar backup: %w", file, file, err)
		}
	}
	db, err := sql.Open("sqlite", "file:"+(&url.URL{Path: file}).EscapedPath()+"?"+q.Encode())
	if err != nil {
		return nil, err
	}
	// One connection: everything an audit reads is one transaction on it.
	db.SetMaxOpenConns(1)
	have, err := checkSchema(db, accept)
	if err != nil {
		db.Close()
		return nil, fmt.Errorf("open %s read-only: %w", file, err)
	}
	return &LogView{db: db, schema: have}, nil
}

// checkSchema refuses a database whose schema is not the one this build
// reads: a read-only auditor cannot migrate it, and the queries of another
// schema would fail obscurely or, worse, read the wrong columns.
func checkSchema(db *sql.DB, accept schemaCheck) (int, error) {
	want, err := KnownSchemaVersion()
	if err != nil {
		return 0, err
	}
	var have int
	if err := db.QueryRow(`SELECT COALESCE(MAX(version), 0) FROM schema_migrations`).Scan(&have); err != nil {
		return 0, fmt.Errorf("read the schema version: %w", err)
	}
	if have > want && accept != schemaAny {
		return have, &SchemaError{Have: have, Known: want}
	}
	if accept == schemaExact && have != want {
		return have, fmt.Errorf("the database has schema version %d, this ikrar reads version %d: audit it with the ikrar release that wrote it, or run ikrar migrate on another copy first", have, want)
	}
	return have, nil
}

// Close closes the view.
func (v *LogView) Close() error { return v.db.Close() }

// Read runs fn in one read transaction, so that everything it reads is
// one snapshot of the database: a server appending meanwhile changes none
// of it.
func (v *LogView) Read(ctx context.Context, fn func(*LogSnapshot) error) error {
	tx, err := v.db.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return fmt.Errorf("begin read: %w", err)
	}
	defer tx.Rollback()
	if err := fn(&LogSnapshot{ctx: ctx, tx: tx}); err != nil {
		return err
	}
	return tx.Commit()
}

// LogSnapshot reads the log as of one moment.
type LogSnapshot struct {
	ctx context.Context
	tx  *sql.Tx
}

// Checkpoints lists every kept checkpoint, smallest first.
func (s *LogSnapshot) Checkpoints() ([]translog.SignedCheckpoint, error) {
	return checkpoints(s.ctx, s.tx)
}

// LogSize is the log's size as log_state records it.
func (s *LogSnapshot) LogSize() (int64, error) { return storedLogSize(s.ctx, s.tx) }

// StoredHashes describes the stored-hash table.
func (s *LogSnapshot) StoredHashes() (StoredHashTable, error) { return storedHashes(s.ctx, s.tx) }

// HashReader serves the stored hashes.
func (s *LogSnapshot) HashReader() tlog.HashReader { return hashReader{s.ctx, s.tx} }

// MaxLeafIndex is the largest leaf index a row claims, -1 if none does.
func (s *LogSnapshot) MaxLeafIndex() (int64, error) {
	var n int64
	err := s.tx.QueryRowContext(s.ctx, `SELECT MAX(COALESCE((SELECT MAX(leaf_index) FROM signatures), -1),
		COALESCE((SELECT MAX(r.leaf_index) FROM revocations r JOIN signatures s ON s.id = r.signature_id), -1),
		COALESCE((SELECT MAX(c.leaf_index) FROM issuances c JOIN signatures s ON s.id = c.signature_id), -1),
		COALESCE((SELECT MAX(leaf_index) FROM event_documents), -1))`).Scan(&n)
	if err != nil {
		return 0, fmt.Errorf("largest leaf index: %w", err)
	}
	return n, nil
}

// EachLeafRecord calls fn with every row that claims a leaf, by leaf index.
func (s *LogSnapshot) EachLeafRecord(fn func(LeafRecord) error) error {
	return eachLeafRecord(s.ctx, s.tx, fn)
}

// EachPledge calls fn with every stored pledge version: the auditor checks
// that each text still hashes to its hash, which the records' leaves name.
func (s *LogSnapshot) EachPledge(fn func(registry.PledgeVersion) error) error {
	rows, err := s.tx.QueryContext(s.ctx, `SELECT `+row.PledgeColumns+` FROM pledges p ORDER BY p.id`)
	if err != nil {
		return fmt.Errorf("read pledges: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		p, err := row.Pledge(rows)
		if err != nil {
			return fmt.Errorf("read pledges: %w", err)
		}
		if err := fn(p); err != nil {
			return err
		}
	}
	return rows.Err()
}

// PaperRecord is a paper signature as the auditor checks it: the scan
// hash its leaf commits to and the stored scan's bytes (nil once erased,
// or if the scan row is missing).
type PaperRecord struct {
	SignatureID int64
	Code        string
	ScanHash    string
	Erased      bool
	Scan        []byte
}

// EachPaperRecord calls fn with every record of channel paper, one scan in
// memory at a time: the auditor checks that each stored scan still hashes
// to what the record's leaf commits to.
func (s *LogSnapshot) EachPaperRecord(fn func(PaperRecord) error) error {
	rows, err := s.tx.QueryContext(s.ctx, `SELECT s.id, s.code, s.scan_hash, s.erased_at, p.scan
		FROM signatures s LEFT JOIN paper_scans p ON p.signature_id = s.id
		WHERE s.channel = ? ORDER BY s.id`, registry.ChannelPaper)
	if err != nil {
		return fmt.Errorf("read paper records: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var r PaperRecord
		var erased int64
		if err := rows.Scan(&r.SignatureID, &r.Code, &r.ScanHash, &erased, &r.Scan); err != nil {
			return fmt.Errorf("read paper records: %w", err)
		}
		r.Erased = erased != 0
		if err := fn(r); err != nil {
			return err
		}
	}
	return rows.Err()
}
