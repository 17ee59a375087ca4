package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"

	"github.com/ikrar-id/ikrar/internal/registry"
)

const pledgeColumns = `id, title, language, opening, points, closing, hash, created_at`

func scanPledge(s scanner) (registry.PledgeVersion, error) {
	var p registry.PledgeVersion
	var points string
	var created int64
	if err := s.Scan(&p.ID, &p.Title, &p.Language, &p.Opening, &points, &p.Closing, &p.Hash, &created); err != nil {
		return p, err
	}
	p.CreatedAt = fromMS(created)
	return p, json.Unmarshal([]byte(points), &p.Points)
}

// CreatePledge stores a pledge version; the same text (same hash) twice is
// a conflict.
func (db *DB) CreatePledge(ctx context.Context, p *registry.PledgeVersion) error {
	points, err := json.Marshal(p.Points)
	if err != nil {
		return err
	}
	return db.tx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `INSERT INTO pledges (title, language, opening, points, closing, hash, created_at)
			VALUES (?, ?, ?, ?, ?, ?, ?)`, p.Title, p.Language, p.Opening, string(points), p.Closing, p.Hash, ms(p.CreatedAt))
		if err != nil {
			return mapErr(err, "Versi ikrar")
		}
		p.ID, err = res.LastInsertId()
		return err
	})
}

// Pledge returns one pledge version.
func (db *DB) Pledge(ctx context.Context, id int64) (registry.PledgeVersion, error) {
	if p, ok := db.cache.pledge(id); ok {
		return p, nil
	}
	p, err := scanPledge(db.read.QueryRowContext(ctx, `SELECT `+pledgeColumns+` FROM pledges WHERE id = ?`, id))
	if err != nil {
		return p, mapErr(err, "Versi ikrar")
	}
	db.cache.putPledge(p)
	return p, nil
}

// Pledges lists every pledge version, oldest first.
func (db *DB) Pledges(ctx context.Context) ([]registry.PledgeVersion, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT `+pledgeColumns+` FROM pledges ORDER BY id`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []registry.PledgeVersion
	for rows.Next() {
		p, err := scanPledge(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, p)
	}
	return out, rows.Err()
}
