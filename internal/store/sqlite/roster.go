package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"strings"

	"github.com/ikrar-id/ikrar/internal/registry"
	"github.com/ikrar-id/ikrar/internal/store/row"
)

// stageChunk is how many rows of an import one staging transaction writes:
// a few milliseconds of the writer, so signings queued meanwhile commit
// between two chunks.
const stageChunk = 4000

// A roster import runs in three steps so that a large one does not hold the
// single writer for seconds (a 180,000-row re-import once held it for 17 s
// and stalled every signing):
//
//  1. plan, on the readers: find which rows add, change or leave alone an
//     employee of the organization's government, and which the importer
//     may not touch;
//  2. stage the rows that write, a few thousand per short transaction, in
//     roster_staging;
//  3. merge them into employees in one transaction of set-based statements,
//     which is all or nothing.
//
// A failure before the merge commits leaves the roster as it was; the
// staged rows are removed either way (and at start, after a crash).

// ImportEmployees writes imp all or nothing (see registry.EmployeeImport).
func (db *DB) ImportEmployees(ctx context.Context, imp registry.EmployeeImport) (registry.ImportResult, error) {
	plan, err := db.planImport(ctx, imp)
	if err != nil {
		return registry.ImportResult{}, err
	}
	if !plan.Decide(ctx, imp) {
		return plan.Result, nil
	}
	if len(plan.Rows) == 0 {
		return plan.Result, db.tx(ctx, func(*sql.Tx) error { return nil })
	}
	id, err := registry.NewImportID()
	if err != nil {
		return registry.ImportResult{}, err
	}
	defer db.unstage(id, len(plan.Rows))
	if err := db.stage(registry.WithoutAudit(ctx), id, imp.OrgID, plan, imp.Progress); err != nil {
		return registry.ImportResult{}, fmt.Errorf("stage roster import: %w", err)
	}
	imp.Progress.Report(registry.ImportMerging, 0, len(plan.Rows))
	if err := db.merge(ctx, id, imp.Scope, plan); err != nil {
		return registry.ImportResult{}, err
	}
	imp.Progress.Report(registry.ImportMerging, len(plan.Rows), len(plan.Rows))
	return plan.Result, nil
}

// govOf returns the government of the organization with the given path:
// its nearest ancestor-or-self of kind province, regency or city, or its
// root when it has none.
func (db *DB) govOf(ctx context.Context, path string) (int64, error) {
	var gov int64
	err := db.read.QueryRowContext(ctx, `SELECT id FROM organizations
		WHERE kind IN ('province', 'regency', 'city') AND substr(?, 1, length(path)) = path
		ORDER BY length(path) DESC LIMIT 1`, path).Scan(&gov)
	if err == sql.ErrNoRows {
		return registry.RootGovernment(path)
	}
	return gov, err
}

// planBatch is how many NIPs one query of the plan looks up.
const planBatch = 500

// planImport reads, without writing, what imp would do.
func (db *DB) planImport(ctx context.Context, imp registry.EmployeeImport) (registry.ImportPlan, error) {
	org, err := db.Organization(ctx, imp.OrgID)
	if err != nil {
		return registry.ImportPlan{}, err
	}
	gov, err := db.govOf(ctx, org.Path)
	if err != nil {
		return registry.ImportPlan{}, fmt.Errorf("government of organization %d: %w", org.ID, err)
	}
	return registry.PlanImport(imp, gov, planBatch, func(nips []string) ([]registry.KnownEmployee, error) {
		args := []any{gov}
		for _, n := range nips {
			args = append(args, n)
		}
		rows, err := db.read.QueryContext(ctx, `SELECT o.path, `+row.EmployeeColumns+` FROM employees e
			JOIN organizations o ON o.id = e.org_id
			WHERE e.gov_id = ? AND e.nip IN (?`+strings.Repeat(`, ?`, len(nips)-1)+`)`, args...)
		return collect(rows, err, row.Known)
	})
}

// stage writes the plan's rows into roster_staging, stageChunk per
// transaction.
func (db *DB) stage(ctx context.Context, id, orgID int64, plan registry.ImportPlan, progress registry.ImportProgress) error {
	for start := 0; start < len(plan.Rows); start += stageChunk {
		end := min(start+stageChunk, len(plan.Rows))
		err := db.tx(ctx, func(tx *sql.Tx) error {
			ins, err := tx.PrepareContext(ctx, `INSERT INTO roster_staging (import_id, seq, op, employee_id, org_id, gov_id, nip, name,
				front_title, back_title, position, rank, unit, category, active, updated_at)
				VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`)
			if err != nil {
				return err
			}
			defer ins.Close()
			for seq := start; seq < end; seq++ {
				r := plan.Rows[seq]
				e := r.Employee
				if _, err := ins.ExecContext(ctx, id, seq, string(r.Op), r.EmployeeID, orgID, plan.Gov, e.NIP, e.Name,
					e.FrontTitle, e.BackTitle, e.Position, e.Rank, e.Unit, e.Category, e.Active, row.Millis(e.UpdatedAt)); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			return err
		}
		progress.Report(registry.ImportWriting, end, len(plan.Rows))
		if db.afterStage != nil {
			if err := db.afterStage(start / stageChunk); err != nil {
				return err
			}
		}
	}
	return nil
}

// merge applies the staged rows in one transaction. The plan was made on
// the readers: if the roster changed meanwhile so that it no longer holds
// (an employee moved out of the importer's scope, an NIP added by another
// import), the whole import fails rather than write a stale plan.
func (db *DB) merge(ctx context.Context, id int64, scope string, plan registry.ImportPlan) error {
	return db.tx(ctx, func(tx *sql.Tx) error {
		if plan.Updates > 0 {
			var n int
			if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM roster_staging s
				JOIN employees e ON e.id = s.employee_id AND e.gov_id = s.gov_id AND e.nip = s.nip
				JOIN organizations o ON o.id = e.org_id
				WHERE s.import_id = ? AND s.op = 'U' AND substr(o.path, 1, length(?)) = ?`, id, scope, scope).Scan(&n); err != nil {
				return err
			}
			if n != plan.Updates {
				return registry.ErrImportStale()
			}
		}
		// The dashboard counters first, from the staged rows and the
		// employees as they still are; the triggers stand aside meanwhile.
		if _, err := tx.ExecContext(ctx, `INSERT INTO ops_bulk (id) VALUES (1)`); err != nil {
			return err
		}
		for _, q := range mergeCounters {
			if _, err := tx.ExecContext(ctx, q, id); err != nil {
				return fmt.Errorf("merge roster counters: %w", err)
			}
		}
		if plan.Updates > 0 {
			if _, err := tx.ExecContext(ctx, `UPDATE employees SET org_id = s.org_id, name = s.name, front_title = s.front_title,
				back_title = s.back_title, position = s.position, rank = s.rank, unit = s.unit, category = s.category,
				active = s.active, updated_at = s.updated_at
				FROM roster_staging s WHERE s.import_id = ? AND s.op = 'U' AND employees.id = s.employee_id`, id); err != nil {
				return fmt.Errorf("merge roster updates: %w", err)
			}
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO employees (org_id, gov_id, nip, name, front_title, back_title, position, rank, unit,
			category, active, updated_at)
			SELECT org_id, gov_id, nip, name, front_title, back_title, position, rank, unit, category, active, updated_at
			FROM roster_staging WHERE import_id = ? AND op = 'I' ORDER BY seq`, id)
		if isUnique(err) {
			return registry.ErrImportStale()
		}
		if err != nil {
			return fmt.Errorf("merge new employees: %w", err)
		}
		_, err = tx.ExecContext(ctx, `DELETE FROM ops_bulk`)
		return err
	})
}

// mergeCounters keep ops_roster and ops_signed (003_ops.sql) as the
// per-row triggers would for a merge: each takes the import's id. An
// updated employee leaves its old organization, unit, category and flag
// and joins the staged ones; one who moves takes their standing records
// along (found per event, as the triggers do, through the unique index on
// signatures).
var mergeCounters = []string{
	`UPDATE ops_roster SET employees = employees - d.n FROM (
		SELECT e.org_id, e.unit, e.category, e.active, COUNT(*) AS n FROM roster_staging s JOIN employees e ON e.id = s.employee_id
		WHERE s.import_id = ?1 AND s.op = 'U' GROUP BY 1, 2, 3, 4) d
	WHERE ops_roster.org_id = d.org_id AND ops_roster.unit = d.unit AND ops_roster.category = d.category AND ops_roster.active = d.active`,
	`INSERT INTO ops_roster (org_id, unit, category, active, employees)
		SELECT org_id, unit, category, active, COUNT(*) FROM roster_staging WHERE import_id = ?1 GROUP BY 1, 2, 3, 4
		ON CONFLICT DO UPDATE SET employees = employees + excluded.employees`,
	`UPDATE ops_signed SET signed = signed - d.n FROM (
		SELECT sg.event_id, e.org_id, e.unit, COUNT(*) AS n
		FROM roster_staging s JOIN employees e ON e.id = s.employee_id
		CROSS JOIN events ev CROSS JOIN signatures sg ON sg.event_id = ev.id AND sg.employee_id = e.id
		WHERE s.import_id = ?1 AND s.op = 'U' AND (e.org_id IS NOT s.org_id OR e.unit IS NOT s.unit)
			AND NOT EXISTS (SELECT 1 FROM revocations r WHERE r.signature_id = sg.id)
		GROUP BY 1, 2, 3) d
	WHERE ops_signed.event_id = d.event_id AND ops_signed.org_id = d.org_id AND ops_signed.unit = d.unit`,
	`INSERT INTO ops_signed (event_id, org_id, unit, signed)
		SELECT sg.event_id, s.org_id, s.unit, COUNT(*)
		FROM roster_staging s JOIN employees e ON e.id = s.employee_id
		CROSS JOIN events ev CROSS JOIN signatures sg ON sg.event_id = ev.id AND sg.employee_id = e.id
		WHERE s.import_id = ?1 AND s.op = 'U' AND (e.org_id IS NOT s.org_id OR e.unit IS NOT s.unit)
			AND NOT EXISTS (SELECT 1 FROM revocations r WHERE r.signature_id = sg.id)
		GROUP BY 1, 2, 3
		ON CONFLICT DO UPDATE SET signed = signed + excluded.signed`,
}

// unstage removes an import's staged rows, a chunk per transaction.
func (db *DB) unstage(id int64, n int) {
	ctx := context.Background()
	for start := 0; start < n; start += stageChunk {
		err := db.tx(ctx, func(tx *sql.Tx) error {
			_, err := tx.ExecContext(ctx, `DELETE FROM roster_staging WHERE import_id = ? AND seq >= ? AND seq < ?`, id, start, start+stageChunk)
			return err
		})
		if err != nil {
			// Removed at the next start.
			return
		}
	}
}
