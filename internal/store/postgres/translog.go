package postgres

import (
	"context"
	"fmt"
	"hash/crc32"
	"sync"
	"time"

	"github.com/jackc/pgx/v5"
	"golang.org/x/mod/sumdb/tlog"

	"github.com/ikrar-id/ikrar/internal/leaf"
	"github.com/ikrar-id/ikrar/internal/registry"
	"github.com/ikrar-id/ikrar/internal/store/row"
	"github.com/ikrar-id/ikrar/internal/translog"
)

// querier is the pool or a transaction.
type querier interface {
	Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error)
	QueryRow(ctx context.Context, sql string, args ...any) pgx.Row
}

// hashReader serves tlog's stored hashes from log_hashes, inside the
// appending transaction or from the pool when proving.
type hashReader struct {
	ctx context.Context
	q   querier
}

func (h hashReader) ReadHashes(indexes []int64) ([]tlog.Hash, error) {
	out := make([]tlog.Hash, len(indexes))
	if len(indexes) == 0 {
		return out, nil
	}
	rows, err := h.q.Query(h.ctx, `SELECT idx, hash FROM log_hashes WHERE idx = ANY($1)`, indexes)
	if err != nil {
		return nil, fmt.Errorf("read stored hashes: %w", err)
	}
	found := make(map[int64]tlog.Hash, len(indexes))
	var idx int64
	var b []byte
	_, err = pgx.ForEachRow(rows, []any{&idx, &b}, func() error {
		if len(b) != tlog.HashSize {
			return fmt.Errorf("stored hash %d has %d bytes", idx, len(b))
		}
		found[idx] = tlog.Hash(b)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("read stored hashes: %w", err)
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

// logAppender appends leaves inside one transaction. It locks the log's
// state row first (SELECT … FOR UPDATE, as transparency-dev/tessera's
// MySQL storage sequences its entries): an appender of another instance
// waits until this transaction ends, then reads the size it left, so
// every leaf index is taken once and the log has no gap or fork however
// many instances write. The size and the new stored hashes are kept in
// memory while the transaction appends and written before commit, in one
// statement.
type logAppender struct {
	ctx   context.Context
	tx    pgx.Tx
	n     int64
	known *hashCache
	// pending are the stored hashes this transaction made, by index; they
	// are committed, and known, only with it.
	pending map[int64]tlog.Hash
}

func (db *DB) newLogAppender(ctx context.Context, tx pgx.Tx) (*logAppender, error) {
	a := &logAppender{ctx: ctx, tx: tx, known: &db.hashes, pending: map[int64]tlog.Hash{}}
	if err := tx.QueryRow(ctx, `SELECT size FROM log_state WHERE id = 1 FOR UPDATE`).Scan(&a.n); err != nil {
		return nil, fmt.Errorf("lock the log: %w", err)
	}
	return a, nil
}

// appendTx runs fn in a transaction holding the log's lock, with the
// appender fn appends leaves through; the leaves are written with the
// transaction, and their hashes known to later appends once it commits.
func (db *DB) appendTx(ctx context.Context, fn func(tx pgx.Tx, lg *logAppender) error) error {
	var lg *logAppender
	err := db.tx(ctx, func(tx pgx.Tx) error {
		var err error
		if lg, err = db.newLogAppender(ctx, tx); err != nil {
			return err
		}
		if err := fn(tx, lg); err != nil {
			return err
		}
		if err := lg.finish(); err != nil {
			return err
		}
		// Every instance's checkpointer hears of the growth at commit.
		return notifyLog(ctx, tx)
	})
	if err == nil {
		lg.committed()
		db.signalAppended()
	}
	return err
}

// logChannel is the channel of PostgreSQL's notifications that the log
// has grown.
const logChannel = "ikrar_log"

// Appended is signalled after the log grows or a checkpoint is stored, by
// this instance or another: the cue of the checkpointer that signs and of
// those that follow it.
func (db *DB) Appended() <-chan struct{} { return db.appended }

func (db *DB) signalAppended() {
	select {
	case db.appended <- struct{}{}:
	default:
	}
}

// leadClass is the first key of the advisory locks of the jobs one
// instance runs at a time (Lead); the second is the job's name's CRC-32.
// Two-key locks do not collide with the one-key migration lock.
const leadClass = 0x696b72 // "ikr"

// Lead tries to make this instance the one that runs job — signing
// checkpoints with the key shared by configuration, the event schedule,
// retention — so that several instances never run it twice. It holds a
// connection of its own until release is called, until the instance
// closes, or until it dies and the server drops the connection, which
// frees the job for another instance; ok is false if another instance
// leads it.
func (db *DB) Lead(ctx context.Context, job string) (release func(), ok bool, err error) {
	key := int32(crc32.ChecksumIEEE([]byte(job)))
	conn, err := db.pool.Acquire(ctx)
	if err != nil {
		return nil, false, err
	}
	if err := conn.QueryRow(ctx, `SELECT pg_try_advisory_lock($1, $2)`, int32(leadClass), key).Scan(&ok); err != nil || !ok {
		conn.Release()
		return nil, false, err
	}
	var once sync.Once
	release = func() {
		once.Do(func() {
			// Unlocked, the connection goes back to the pool clean; if the
			// unlock fails the connection is closed, which unlocks too.
			if _, err := conn.Exec(context.Background(), `SELECT pg_advisory_unlock($1, $2)`, int32(leadClass), key); err != nil {
				conn.Hijack().Close(context.Background())
				return
			}
			conn.Release()
		})
	}
	db.leadMu.Lock()
	db.leads = append(db.leads, release)
	db.leadMu.Unlock()
	return release, true, nil
}

// releaseLeads releases the leads this instance holds, as it closes.
func (db *DB) releaseLeads() {
	db.leadMu.Lock()
	defer db.leadMu.Unlock()
	for _, release := range db.leads {
		release()
	}
	db.leads = nil
}

// ReadHashes serves tlog the hashes an append needs: this transaction's
// own, then committed ones from memory, then the table.
func (a *logAppender) ReadHashes(indexes []int64) ([]tlog.Hash, error) {
	out := make([]tlog.Hash, len(indexes))
	var missing []int64
	for i, x := range indexes {
		if h, ok := a.pending[x]; ok {
			out[i] = h
		} else if h, ok := a.known.get(x); ok {
			out[i] = h
		} else {
			missing = append(missing, x)
		}
	}
	if len(missing) == 0 {
		return out, nil
	}
	read, err := hashReader{a.ctx, a.tx}.ReadHashes(missing)
	if err != nil {
		return nil, err
	}
	found := make(map[int64]tlog.Hash, len(missing))
	for i, x := range missing {
		found[x] = read[i]
	}
	// Below the size this transaction locked, hashes are committed and
	// never change: the log only grows.
	a.known.put(found)
	for i, x := range indexes {
		if h, ok := found[x]; ok {
			out[i] = h
		}
	}
	return out, nil
}

// append adds leaf as the next record; the caller has already used a.n as
// the record's leaf index.
func (a *logAppender) append(leaf tlog.Hash) error {
	hashes, err := translog.Append(a, a.n, leaf)
	if err != nil {
		return err
	}
	start := tlog.StoredHashIndex(0, a.n)
	for i, h := range hashes {
		a.pending[start+int64(i)] = h
	}
	a.n++
	return nil
}

// truncate forgets the leaves appended from leaf n on (a signing rolled
// back to its savepoint).
func (a *logAppender) truncate(n int64) {
	from := tlog.StoredHashIndex(0, n)
	for x := range a.pending {
		if x >= from {
			delete(a.pending, x)
		}
	}
	a.n = n
}

// finish writes the new stored hashes and the log's new size.
func (a *logAppender) finish() error {
	if len(a.pending) > 0 {
		idx := make([]int64, 0, len(a.pending))
		bs := make([][]byte, 0, len(a.pending))
		for x, h := range a.pending {
			idx, bs = append(idx, x), append(bs, h[:])
		}
		if _, err := a.tx.Exec(a.ctx, `INSERT INTO log_hashes (idx, hash) SELECT * FROM unnest($1::bigint[], $2::bytea[])`, idx, bs); err != nil {
			return fmt.Errorf("write stored hashes: %w", err)
		}
	}
	_, err := a.tx.Exec(a.ctx, `UPDATE log_state SET size = $1 WHERE id = 1`, a.n)
	return err
}

// committed makes the transaction's hashes known, once it has committed.
func (a *logAppender) committed() { a.known.put(a.pending) }

// hashCache keeps committed stored hashes an append reads: those along
// the log's right edge, read again and again. A stored hash never changes
// once committed, so the cache is right whatever other instances append;
// it is emptied when it grows past a bound, and refills from the table.
type hashCache struct {
	mu sync.Mutex
	m  map[int64]tlog.Hash
}

const hashCacheMax = 1 << 16

func (c *hashCache) get(x int64) (tlog.Hash, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	h, ok := c.m[x]
	return h, ok
}

func (c *hashCache) put(hs map[int64]tlog.Hash) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.m == nil || len(c.m)+len(hs) > hashCacheMax {
		c.m = make(map[int64]tlog.Hash, len(hs))
	}
	for x, h := range hs {
		c.m[x] = h
	}
}

// LogSize returns the number of leaves in the log as committed, by this
// instance or another.
func (db *DB) LogSize(ctx context.Context) (int64, error) {
	return db.StoredLogSize(ctx)
}

// StoredLogSize reads the log's size from the database.
func (db *DB) StoredLogSize(ctx context.Context) (int64, error) {
	var n int64
	err := db.pool.QueryRow(ctx, `SELECT size FROM log_state WHERE id = 1`).Scan(&n)
	return n, err
}

// HashReader serves the log's committed stored hashes for proofs.
func (db *DB) HashReader(ctx context.Context) tlog.HashReader {
	return hashReader{ctx, db.pool}
}

// SaveCheckpoint keeps a signed checkpoint; one per tree size. The other
// instances hear of it at commit (Appended), so that those that do not
// sign serve it at once (translog.Checkpointer.Follow).
func (db *DB) SaveCheckpoint(ctx context.Context, c translog.SignedCheckpoint, at time.Time) error {
	return db.tx(ctx, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `INSERT INTO checkpoints (size, root, note, created_at) VALUES ($1, $2, $3, $4)
			ON CONFLICT (size) DO NOTHING`, c.Size, c.Root[:], string(c.Note), row.Millis(at)); err != nil {
			return err
		}
		return notifyLog(ctx, tx)
	})
}

// notifyLog tells every instance, at the commit of tx, that the log grew
// or a checkpoint was stored.
func notifyLog(ctx context.Context, tx pgx.Tx) error {
	_, err := tx.Exec(ctx, `SELECT pg_notify($1, '')`, logChannel)
	return err
}

// SaveCosignedCheckpoint keeps c, a checkpoint a key rotation signed with
// both the old and the new key, in place of the kept checkpoint of its
// size; a kept checkpoint of its size with another root is refused.
func (db *DB) SaveCosignedCheckpoint(ctx context.Context, c translog.SignedCheckpoint, at time.Time) error {
	return db.tx(ctx, func(tx pgx.Tx) error {
		tag, err := tx.Exec(ctx, `INSERT INTO checkpoints (size, root, note, created_at) VALUES ($1, $2, $3, $4)
			ON CONFLICT (size) DO UPDATE SET note = excluded.note WHERE checkpoints.root = excluded.root`, c.Size, c.Root[:], string(c.Note), row.Millis(at))
		if err != nil {
			return err
		}
		if tag.RowsAffected() != 1 {
			return fmt.Errorf("save cross-signed checkpoint %d: a kept checkpoint of that size has another root", c.Size)
		}
		return notifyLog(ctx, tx)
	})
}

// ForgetEmptyLog deletes the checkpoints of a log that has no leaf, so the
// log may be named anew; it fails with ECONFLICT once a leaf was logged.
func (db *DB) ForgetEmptyLog(ctx context.Context) error {
	return db.tx(ctx, func(tx pgx.Tx) error {
		var n int64
		if err := tx.QueryRow(ctx, `SELECT size FROM log_state WHERE id = 1 FOR UPDATE`).Scan(&n); err != nil {
			return err
		}
		if n > 0 {
			return registry.Errorf(registry.ECONFLICT, "the log already has %d leaves", n)
		}
		_, err := tx.Exec(ctx, `DELETE FROM checkpoints WHERE size = 0`)
		return err
	})
}

// LatestCheckpoint returns the newest signed checkpoint.
func (db *DB) LatestCheckpoint(ctx context.Context) (translog.SignedCheckpoint, error) {
	c, err := row.Checkpoint(db.pool.QueryRow(ctx, `SELECT size, root, note FROM checkpoints ORDER BY size DESC LIMIT 1`))
	return c, mapErr(err, "Checkpoint")
}

// CheckpointAt returns the signed checkpoint of a tree size.
func (db *DB) CheckpointAt(ctx context.Context, size int64) (translog.SignedCheckpoint, error) {
	c, err := row.Checkpoint(db.pool.QueryRow(ctx, `SELECT size, root, note FROM checkpoints WHERE size = $1`, size))
	return c, mapErr(err, "Checkpoint")
}

// Checkpoints lists every kept checkpoint, smallest first.
func (db *DB) Checkpoints(ctx context.Context) ([]translog.SignedCheckpoint, error) {
	rows, err := db.pool.Query(ctx, `SELECT size, root, note FROM checkpoints ORDER BY size`)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, func(r pgx.CollectableRow) (translog.SignedCheckpoint, error) { return row.Checkpoint(r) })
}

// LeafEntries returns the entries of leaves [from, to), rebuilt from the
// rows that claim them, in leaf order: what the entry bundles publish and
// the auditor recomputes. It fails unless exactly one row claims each of
// those leaves. The rows are read in one snapshot (REPEATABLE READ), so
// appends committed meanwhile by any instance change none of it.
func (db *DB) LeafEntries(ctx context.Context, from, to int64) ([]translog.Entry, error) {
	claims := make(map[int64][]translog.Entry, max(to-from, 0))
	err := db.snapshot(ctx, func(tx pgx.Tx) error {
		for _, q := range []struct {
			where string
			entry func(registry.Signature) (int64, translog.Entry)
		}{
			{`s.leaf_index >= $1 AND s.leaf_index < $2`, func(s registry.Signature) (int64, translog.Entry) {
				return s.LeafIndex, leaf.Signature(s)
			}},
			{`r.leaf_index >= $1 AND r.leaf_index < $2`, func(s registry.Signature) (int64, translog.Entry) {
				return s.Revocation.LeafIndex, leaf.Revocation(s, *s.Revocation)
			}},
			{`c.leaf_index >= $1 AND c.leaf_index < $2`, func(s registry.Signature) (int64, translog.Entry) {
				return s.Issuance.LeafIndex, leaf.Issuance(s, s.Issuance.PDFHash, s.Issuance.IssuedAt)
			}},
		} {
			rows, err := tx.Query(ctx, `SELECT `+signatureColumnsNoInk+row.SignatureFrom+` WHERE `+q.where, from, to)
			if err != nil {
				return err
			}
			sigs, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (registry.Signature, error) { return row.Signature(r, false) })
			if err != nil {
				return err
			}
			for _, s := range sigs {
				i, e := q.entry(s)
				claims[i] = append(claims[i], e)
			}
		}
		rows, err := tx.Query(ctx, `SELECT `+documentColumns+` FROM event_documents d WHERE d.leaf_index >= $1 AND d.leaf_index < $2`, from, to)
		if err != nil {
			return err
		}
		docs, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (registry.EventDocument, error) { return row.Document(r) })
		for _, d := range docs {
			claims[d.LeafIndex] = append(claims[d.LeafIndex], leaf.Document(d))
		}
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("entries of leaves %d to %d: %w", from, to-1, err)
	}
	out := make([]translog.Entry, 0, max(to-from, 0))
	for i := from; i < to; i++ {
		switch c := claims[i]; len(c) {
		case 0:
			return nil, fmt.Errorf("entries of leaves %d to %d: no row claims leaf %d", from, to-1, i)
		case 1:
			out = append(out, c[0])
		default:
			return nil, fmt.Errorf("entries of leaves %d to %d: leaf %d is claimed %d times", from, to-1, i, len(c))
		}
	}
	return out, nil
}
