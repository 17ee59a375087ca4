package postgres

import (
	"context"
	"errors"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/ikrar-id/ikrar/internal/store/row"
	"github.com/ikrar-id/ikrar/internal/translog"
)

// witnessClass is the first key of the transaction locks that serialize
// the advances of one witnessed log (the second is its origin's hash).
const witnessClass = leadClass + 1

// Witnessed returns what this registry, as a witness, keeps of the log
// origin: the latest checkpoint it cosigned.
func (db *DB) Witnessed(ctx context.Context, origin string) (translog.WitnessState, bool, error) {
	return witnessed(ctx, db.pool, origin)
}

func witnessed(ctx context.Context, q querier, origin string) (translog.WitnessState, bool, error) {
	var st translog.WitnessState
	var root []byte
	err := q.QueryRow(ctx, `SELECT size, root FROM witnessed_logs WHERE origin = $1`, origin).Scan(&st.Size, &root)
	if errors.Is(err, pgx.ErrNoRows) {
		return translog.WitnessState{}, false, nil
	}
	if err != nil {
		return st, false, err
	}
	copy(st.Root[:], root)
	return st, true, nil
}

// AdvanceWitnessed checks and moves a witnessed log's state in one
// transaction. The transaction first takes a lock of its own for the
// origin: a row lock cannot hold a log not witnessed yet, and two
// instances must not both advance from the same state.
func (db *DB) AdvanceWitnessed(ctx context.Context, origin string, check func(cur translog.WitnessState) error, next translog.WitnessState) error {
	return db.tx(ctx, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock($1, hashtext($2))`, int32(witnessClass), origin); err != nil {
			return err
		}
		cur, _, err := witnessed(ctx, tx, origin)
		if err != nil {
			return err
		}
		if err := check(cur); err != nil {
			return err
		}
		_, err = tx.Exec(ctx, `INSERT INTO witnessed_logs (origin, size, root, updated_at) VALUES ($1, $2, $3, $4)
			ON CONFLICT (origin) DO UPDATE SET size = excluded.size, root = excluded.root, updated_at = excluded.updated_at`,
			origin, next.Size, next.Root[:], row.Millis(time.Now()))
		return err
	})
}
