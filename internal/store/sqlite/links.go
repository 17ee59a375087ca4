package sqlite

import (
	"context"
	"database/sql"

	"github.com/ikrar-id/ikrar/internal/registry"
)

// LinkGeneration returns the current personal link generation.
func (db *DB) LinkGeneration(ctx context.Context, eventID, employeeID int64) (int, error) {
	var gen int
	err := db.read.QueryRowContext(ctx, `SELECT generation FROM link_generations WHERE event_id = ? AND employee_id = ?`,
		eventID, employeeID).Scan(&gen)
	if err == sql.ErrNoRows {
		return 0, nil
	}
	return gen, err
}

// LinkGenerations returns an event's reissued link generations.
func (db *DB) LinkGenerations(ctx context.Context, eventID int64) (map[int64]int, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT employee_id, generation FROM link_generations WHERE event_id = ?`, eventID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[int64]int{}
	for rows.Next() {
		var id int64
		var gen int
		if err := rows.Scan(&id, &gen); err != nil {
			return nil, err
		}
		out[id] = gen
	}
	return out, rows.Err()
}

// NextLinkGeneration raises an employee's link generation by one.
func (db *DB) NextLinkGeneration(ctx context.Context, eventID, employeeID int64) (int, error) {
	var gen int
	err := db.tx(ctx, func(tx *sql.Tx) error {
		err := tx.QueryRowContext(ctx, `INSERT INTO link_generations (event_id, employee_id, generation) VALUES (?, ?, 1)
			ON CONFLICT (event_id, employee_id) DO UPDATE SET generation = generation + 1 RETURNING generation`,
			eventID, employeeID).Scan(&gen)
		if err == nil {
			registry.Decided(ctx, registry.AuditOutcome{Count: gen})
		}
		return err
	})
	return gen, mapErr(err, "Tautan pribadi")
}
