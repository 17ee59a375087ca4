package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"github.com/ikrar-id/ikrar/internal/store/row"
	"github.com/ikrar-id/ikrar/internal/translog"
)

// Witnessed returns what this registry, as a witness, keeps of the log
// origin: the latest checkpoint it cosigned.
func (db *DB) Witnessed(ctx context.Context, origin string) (translog.WitnessState, bool, error) {
	return witnessed(ctx, db.read, origin)
}

func witnessed(ctx context.Context, q queryer, origin string) (translog.WitnessState, bool, error) {
	var st translog.WitnessState
	var root []byte
	err := q.QueryRowContext(ctx, `SELECT size, root FROM witnessed_logs WHERE origin = ?`, origin).Scan(&st.Size, &root)
	if errors.Is(err, sql.ErrNoRows) {
		return translog.WitnessState{}, false, nil
	}
	if err != nil {
		return st, false, err
	}
	copy(st.Root[:], root)
	return st, true, nil
}

// AdvanceWitnessed checks and moves a witnessed log's state in one write
// transaction, so no submission checks against a state another one is
// replacing.
func (db *DB) AdvanceWitnessed(ctx context.Context, origin string, check func(cur translog.WitnessState) error, next translog.WitnessState) error {
	return db.tx(ctx, func(tx *sql.Tx) error {
		cur, _, err := witnessed(ctx, tx, origin)
		if err != nil {
			return err
		}
		if err := check(cur); err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, `INSERT INTO witnessed_logs (origin, size, root, updated_at) VALUES (?, ?, ?, ?)
			ON CONFLICT (origin) DO UPDATE SET size = excluded.size, root = excluded.root, updated_at = excluded.updated_at`,
			origin, next.Size, next.Root[:], row.Millis(time.Now()))
		return err
	})
}
