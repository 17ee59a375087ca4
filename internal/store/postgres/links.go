package postgres

import (
	"context"
	"errors"

	"github.com/jackc/pgx/v5"

	"github.com/ikrar-id/ikrar/internal/registry"
)

// LinkGenerations returns an event's reissued link generations.
func (db *DB) LinkGenerations(ctx context.Context, eventID int64) (map[int64]int, error) {
	rows, err := db.pool.Query(ctx, `SELECT employee_id, generation FROM link_generations WHERE event_id = $1`, eventID)
	if err != nil {
		return nil, err
	}
	out := map[int64]int{}
	var id int64
	var gen int
	_, err = pgx.ForEachRow(rows, []any{&id, &gen}, func() error {
		out[id] = gen
		return nil
	})
	return out, err
}

// NextLinkGeneration raises an employee's link generation by one.
func (db *DB) NextLinkGeneration(ctx context.Context, eventID, employeeID int64) (int, error) {
	var gen int
	err := db.tx(ctx, func(tx pgx.Tx) error {
		err := tx.QueryRow(ctx, `INSERT INTO link_generations (event_id, employee_id, generation) VALUES ($1, $2, 1)
			ON CONFLICT (event_id, employee_id) DO UPDATE SET generation = link_generations.generation + 1 RETURNING generation`,
			eventID, employeeID).Scan(&gen)
		if err == nil {
			registry.Decided(ctx, registry.AuditOutcome{Count: gen})
		}
		return err
	})
	return gen, mapErr(err, "Tautan pribadi")
}

// LinkGeneration returns the current personal link generation.
func (db *DB) LinkGeneration(ctx context.Context, eventID, employeeID int64) (int, error) {
	var gen int
	err := db.pool.QueryRow(ctx, `SELECT generation FROM link_generations WHERE event_id = $1 AND employee_id = $2`,
		eventID, employeeID).Scan(&gen)
	if errors.Is(err, pgx.ErrNoRows) {
		return 0, nil
	}
	return gen, err
}
