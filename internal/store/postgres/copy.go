package postgres

import (
	"context"
	"database/sql"
	"fmt"
	"net/url"
	"strings"

	"github.com/jackc/pgx/v5"
)

// copyTables are the tables a copy from SQLite moves, parents before the
// rows that refer to them. Left out: schema_migrations (the target has
// its own, at the same version), log_state (its one row is updated),
// roster_staging and ops_bulk (an import's scratch, empty between imports).
var copyTables = []string{
	"organizations", "pledges", "employees", "events", "link_generations", "event_participants",
	"signatures", "revocations", "users", "sessions", "api_tokens", "audit",
	"log_hashes", "checkpoints", "certificate_pdfs", "issuances", "witnessed_logs", "paper_scans",
	"event_witnesses", "event_documents", "org_logos", "org_privacy", "event_retention",
	"ops_roster", "ops_signed", "ops_minutes",
}

// CopyFromSQLite copies every row of the SQLite database in file, opened
// read-only (stop the server first), into db, which must be empty and at
// the same schema version: the same IDs, leaf indexes, hashes and bytes,
// so every certificate, link and proof stays valid. It runs in one
// transaction: a failure leaves db empty. The dashboard triggers stand
// aside meanwhile (the counters are copied), which takes the role that
// owns the tables (the one that migrated them), and each identity
// sequence moves past the copied IDs.
func (db *DB) CopyFromSQLite(ctx context.Context, file string) error {
	src, err := sql.Open("sqlite", "file:"+(&url.URL{Path: file}).EscapedPath()+"?mode=ro&_pragma=query_only(1)")
	if err != nil {
		return err
	}
	defer src.Close()
	var have int
	if err := src.QueryRowContext(ctx, `SELECT COALESCE(MAX(version), 0) FROM schema_migrations`).Scan(&have); err != nil {
		return fmt.Errorf("read the SQLite schema version: %w", err)
	}
	known, err := KnownSchemaVersion()
	if err != nil {
		return err
	}
	if have != known {
		return fmt.Errorf("the SQLite database has schema version %d, this ikrar copies version %d: migrate it first (ikrar migrate)", have, known)
	}
	return pgx.BeginFunc(ctx, db.pool, func(tx pgx.Tx) error {
		var rows int64
		if err := tx.QueryRow(ctx, `SELECT (SELECT size FROM log_state) + (SELECT COUNT(*) FROM organizations) + (SELECT COUNT(*) FROM users)`).Scan(&rows); err != nil {
			return err
		}
		if rows != 0 {
			return fmt.Errorf("the PostgreSQL database is not empty: copy into a new one")
		}
		for _, table := range []string{"employees", "revocations"} {
			if _, err := tx.Exec(ctx, `ALTER TABLE `+table+` DISABLE TRIGGER USER`); err != nil {
				return err
			}
		}
		for _, table := range copyTables {
			if err := copyTable(ctx, src, tx, table); err != nil {
				return fmt.Errorf("copy %s: %w", table, err)
			}
		}
		var size int64
		if err := src.QueryRowContext(ctx, `SELECT size FROM log_state WHERE id = 1`).Scan(&size); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `UPDATE log_state SET size = $1 WHERE id = 1`, size); err != nil {
			return err
		}
		for _, table := range []string{"employees", "revocations"} {
			if _, err := tx.Exec(ctx, `ALTER TABLE `+table+` ENABLE TRIGGER USER`); err != nil {
				return err
			}
		}
		// Identity sequences start past the copied IDs.
		idRows, err := tx.Query(ctx, `SELECT table_name::text FROM information_schema.columns
			WHERE table_schema = 'public' AND column_name = 'id' AND is_identity = 'YES'`)
		if err != nil {
			return err
		}
		withIDs, err := pgx.CollectRows(idRows, pgx.RowTo[string])
		if err != nil {
			return err
		}
		for _, table := range withIDs {
			if _, err := tx.Exec(ctx, `SELECT setval(pg_get_serial_sequence($1, 'id'), COALESCE((SELECT MAX(id) FROM `+
				pgx.Identifier{table}.Sanitize()+`), 0) + 1, false)`, table); err != nil {
				return fmt.Errorf("move the IDs of %s on: %w", table, err)
			}
		}
		return nil
	})
}

// copyTable copies one table, column by column as PostgreSQL has them:
// a boolean column takes SQLite's 0 or 1.
func copyTable(ctx context.Context, src *sql.DB, tx pgx.Tx, table string) error {
	cols, err := tx.Query(ctx, `SELECT column_name::text, data_type::text FROM information_schema.columns
		WHERE table_schema = 'public' AND table_name = $1 ORDER BY ordinal_position`, table)
	if err != nil {
		return err
	}
	type column struct{ name, typ string }
	columns, err := pgx.CollectRows(cols, func(r pgx.CollectableRow) (column, error) {
		var c column
		err := r.Scan(&c.name, &c.typ)
		return c, err
	})
	if err != nil {
		return err
	}
	names := make([]string, len(columns))
	for i, c := range columns {
		names[i] = c.name
	}
	rows, err := src.QueryContext(ctx, `SELECT "`+strings.Join(names, `", "`)+`" FROM `+table+` ORDER BY 1`)
	if err != nil {
		return err
	}
	defer rows.Close()
	vals := make([]any, len(columns))
	ptrs := make([]any, len(columns))
	for i := range vals {
		ptrs[i] = &vals[i]
	}
	_, err = tx.CopyFrom(ctx, pgx.Identifier{table}, names, pgx.CopyFromFunc(func() ([]any, error) {
		if !rows.Next() {
			return nil, rows.Err()
		}
		if err := rows.Scan(ptrs...); err != nil {
			return nil, err
		}
		out := make([]any, len(vals))
		for i, v := range vals {
			switch x := v.(type) {
			case int64:
				if columns[i].typ == "boolean" {
					out[i] = x != 0
					continue
				}
			case []byte:
				if columns[i].typ == "text" {
					out[i] = string(x)
					continue
				}
				out[i] = append([]byte(nil), x...)
				continue
			}
			out[i] = v
		}
		return out, nil
	}))
	return err
}
