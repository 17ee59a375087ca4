package sqlite

import (
	"database/sql"

	"github.com/ikrar-id/ikrar/internal/store/row"
)

// collect reads every row of a query's answer with scan and closes the
// rows; err is the query's own error, so that a read is
//
//	rows, err := db.read.QueryContext(ctx, query, args...)
//	return collect(rows, err, row.Org)
func collect[T any](rows *sql.Rows, err error, scan func(row.Scanner) (T, error)) ([]T, error) {
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []T
	for rows.Next() {
		v, err := scan(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, rows.Err()
}
