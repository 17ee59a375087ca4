package postgres

import (
	"context"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"

	"github.com/ikrar-id/ikrar/internal/registry"
	"github.com/ikrar-id/ikrar/internal/store/row"
)

// A roster import plans on the pool, without writing: which rows add,
// change or leave alone an employee of the organization's government, and
// which the importer may not touch. It then writes in one transaction:
// the rows are copied into roster_staging (COPY, fast) and merged into
// employees with a few set-based statements, as the SQLite store merges.
// Unlike SQLite, PostgreSQL has no single writer for a long transaction
// to hold up: signings go on beside it, so there is no need to stage in
// short transactions first, and the staged rows go with a rollback.

// planBatch is how many NIPs one query of the plan looks up.
const planBatch = 5000

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
		return plan.Result, db.tx(ctx, func(pgx.Tx) error { return nil })
	}
	id, err := registry.NewImportID()
	if err != nil {
		return registry.ImportResult{}, err
	}
	err = db.tx(ctx, func(tx pgx.Tx) error {
		if err := stage(ctx, tx, id, imp.OrgID, plan); err != nil {
			return fmt.Errorf("stage roster import: %w", err)
		}
		imp.Progress.Report(registry.ImportWriting, len(plan.Rows), len(plan.Rows))
		imp.Progress.Report(registry.ImportMerging, 0, len(plan.Rows))
		return merge(ctx, tx, id, imp.Scope, plan)
	})
	if err != nil {
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
	err := db.pool.QueryRow(ctx, `SELECT id FROM organizations
		WHERE kind IN ('province', 'regency', 'city') AND starts_with($1, path)
		ORDER BY length(path) DESC LIMIT 1`, path).Scan(&gov)
	if errors.Is(err, pgx.ErrNoRows) {
		return registry.RootGovernment(path)
	}
	return gov, err
}

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
		rows, err := db.pool.Query(ctx, `SELECT o.path, `+row.EmployeeColumns+` FROM employees e
			JOIN organizations o ON o.id = e.org_id
			WHERE e.gov_id = $1 AND e.nip = ANY($2)`, gov, nips)
		if err != nil {
			return nil, err
		}
		return pgx.CollectRows(rows, func(r pgx.CollectableRow) (registry.KnownEmployee, error) { return row.Known(r) })
	})
}

// stage copies the plan's rows into roster_staging.
func stage(ctx context.Context, tx pgx.Tx, id, orgID int64, plan registry.ImportPlan) error {
	_, err := tx.CopyFrom(ctx, pgx.Identifier{"roster_staging"},
		[]string{"import_id", "seq", "op", "employee_id", "org_id", "gov_id", "nip", "name", "front_title", "back_title",
			"position", "rank", "unit", "category", "active", "updated_at"},
		pgx.CopyFromSlice(len(plan.Rows), func(seq int) ([]any, error) {
			r := plan.Rows[seq]
			e := r.Employee
			return []any{id, seq, string(r.Op), r.EmployeeID, orgID, plan.Gov, e.NIP, e.Name, e.FrontTitle, e.BackTitle,
				e.Position, e.Rank, e.Unit, string(e.Category), e.Active, row.Millis(e.UpdatedAt)}, nil
		}))
	return err
}

// merge applies the staged rows. The plan was made before the
// transaction: if the roster changed meanwhile so that it no longer holds
// (an employee moved out of the importer's scope, an NIP added by another
// import), the whole import fails rather than write a stale plan.
func merge(ctx context.Context, tx pgx.Tx, id int64, scope string, plan registry.ImportPlan) error {
	if plan.Updates > 0 {
		// FOR UPDATE: the employees to update cannot move out of scope
		// between this check and the update.
		var n int
		if err := tx.QueryRow(ctx, `SELECT COUNT(*) FROM (SELECT 1 FROM roster_staging s
			JOIN employees e ON e.id = s.employee_id AND e.gov_id = s.gov_id AND e.nip = s.nip
			JOIN organizations o ON o.id = e.org_id
			WHERE s.import_id = $1 AND s.op = 'U' AND starts_with(o.path, $2) FOR UPDATE OF e) locked`, id, scope).Scan(&n); err != nil {
			return err
		}
		if n != plan.Updates {
			return registry.ErrImportStale()
		}
	}
	// The dashboard counters first, from the staged rows and the employees
	// as they still are; the triggers stand aside meanwhile.
	if _, err := tx.Exec(ctx, `INSERT INTO ops_bulk (id) VALUES (1)`); err != nil {
		return err
	}
	for _, q := range mergeCounters {
		if _, err := tx.Exec(ctx, q, id); err != nil {
			return fmt.Errorf("merge roster counters: %w", err)
		}
	}
	if plan.Updates > 0 {
		if _, err := tx.Exec(ctx, `UPDATE employees SET org_id = s.org_id, name = s.name, front_title = s.front_title,
			back_title = s.back_title, position = s.position, rank = s.rank, unit = s.unit, category = s.category,
			active = s.active, updated_at = s.updated_at
			FROM roster_staging s WHERE s.import_id = $1 AND s.op = 'U' AND employees.id = s.employee_id`, id); err != nil {
			return fmt.Errorf("merge roster updates: %w", err)
		}
	}
	_, err := tx.Exec(ctx, `INSERT INTO employees (org_id, gov_id, nip, name, front_title, back_title, position, rank, unit,
		category, active, updated_at)
		SELECT org_id, gov_id, nip, name, front_title, back_title, position, rank, unit, category, active, updated_at
		FROM roster_staging WHERE import_id = $1 AND op = 'I' ORDER BY seq`, id)
	if isUnique(err) {
		return registry.ErrImportStale()
	}
	if err != nil {
		return fmt.Errorf("merge new employees: %w", err)
	}
	if _, err := tx.Exec(ctx, `DELETE FROM roster_staging WHERE import_id = $1`, id); err != nil {
		return err
	}
	_, err = tx.Exec(ctx, `DELETE FROM ops_bulk`)
	return err
}

// mergeCounters keep ops_roster and ops_signed as the per-row triggers
// would for a merge: each takes the import's id. An updated employee
// leaves its old organization, unit, category and flag and joins the
// staged ones; one who moves takes their standing records along.
var mergeCounters = []string{
	`UPDATE ops_roster SET employees = employees - d.n FROM (
		SELECT e.org_id, e.unit, e.category, e.active, COUNT(*) AS n FROM roster_staging s JOIN employees e ON e.id = s.employee_id
		WHERE s.import_id = $1 AND s.op = 'U' GROUP BY 1, 2, 3, 4) d
	WHERE ops_roster.org_id = d.org_id AND ops_roster.unit = d.unit AND ops_roster.category = d.category AND ops_roster.active = d.active`,
	`INSERT INTO ops_roster (org_id, unit, category, active, employees)
		SELECT org_id, unit, category, active, COUNT(*) FROM roster_staging WHERE import_id = $1 GROUP BY 1, 2, 3, 4
		ON CONFLICT (org_id, unit, category, active) DO UPDATE SET employees = ops_roster.employees + excluded.employees`,
	`UPDATE ops_signed SET signed = signed - d.n FROM (
		SELECT sg.event_id, e.org_id, e.unit, COUNT(*) AS n
		FROM roster_staging s JOIN employees e ON e.id = s.employee_id
		JOIN signatures sg ON sg.employee_id = e.id
		WHERE s.import_id = $1 AND s.op = 'U' AND (e.org_id IS DISTINCT FROM s.org_id OR e.unit IS DISTINCT FROM s.unit)
			AND NOT EXISTS (SELECT 1 FROM revocations r WHERE r.signature_id = sg.id)
		GROUP BY 1, 2, 3) d
	WHERE ops_signed.event_id = d.event_id AND ops_signed.org_id = d.org_id AND ops_signed.unit = d.unit`,
	`INSERT INTO ops_signed (event_id, org_id, unit, signed)
		SELECT sg.event_id, s.org_id, s.unit, COUNT(*)
		FROM roster_staging s JOIN employees e ON e.id = s.employee_id
		JOIN signatures sg ON sg.employee_id = e.id
		WHERE s.import_id = $1 AND s.op = 'U' AND (e.org_id IS DISTINCT FROM s.org_id OR e.unit IS DISTINCT FROM s.unit)
			AND NOT EXISTS (SELECT 1 FROM revocations r WHERE r.signature_id = sg.id)
		GROUP BY 1, 2, 3
		ON CONFLICT (event_id, org_id, unit) DO UPDATE SET signed = ops_signed.signed + excluded.signed`,
}
