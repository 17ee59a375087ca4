package row

import (
	"encoding/json"
	"fmt"
	"strings"

	"github.com/ikrar-id/ikrar/internal/registry"
)

// AuditColumns are the columns Audit reads, of audit a.
const AuditColumns = `a.id, a.at, a.user_id, a.user_name, a.action, a.org_id, a.target, a.detail, a.detail_format, a.detail_args, a.ip`

// Audit reads AuditColumns. Arguments that no longer parse leave the
// entry's formatted text to show.
func Audit(s Scanner) (registry.AuditEntry, error) {
	var a registry.AuditEntry
	var at int64
	var args string
	if err := s.Scan(&a.ID, &at, &a.UserID, &a.UserName, &a.Action, &a.OrgID, &a.Target, &a.Detail,
		&a.DetailFormat, &args, &a.IP); err != nil {
		return a, err
	}
	a.At = Time(at)
	var err error
	if a.DetailArgs, err = parseDetailArgs(args); err != nil {
		a.DetailFormat, a.DetailArgs = "", nil
	}
	return a, nil
}

// AuditValues are the values of a new entry's columns at, user_id,
// user_name, action, org_id, target, detail, detail_format, detail_args
// and ip, in that order.
func AuditValues(a registry.AuditEntry) ([]any, error) {
	args, err := detailArgs(a.DetailFormat, a.DetailArgs)
	if err != nil {
		return nil, fmt.Errorf("audit %s: %w", a.Action, err)
	}
	return []any{Millis(a.At), a.UserID, a.UserName, a.Action, a.OrgID, a.Target, a.Detail, a.DetailFormat, args, a.IP}, nil
}

// detailArgs is the stored form of a detail's arguments: a JSON array of
// texts and integers (registry.Detailf keeps no other kind), "" for a
// detail without a format.
func detailArgs(format string, args []any) (string, error) {
	if format == "" {
		return "", nil
	}
	if args == nil {
		args = []any{}
	}
	b, err := json.Marshal(args)
	return string(b), err
}

// parseDetailArgs reads back what detailArgs stored: integers as int64,
// so that a %d verb formats them.
func parseDetailArgs(s string) ([]any, error) {
	if s == "" {
		return nil, nil
	}
	dec := json.NewDecoder(strings.NewReader(s))
	dec.UseNumber()
	var args []any
	if err := dec.Decode(&args); err != nil {
		return nil, err
	}
	for i, a := range args {
		if n, ok := a.(json.Number); ok {
			v, err := n.Int64()
			if err != nil {
				return nil, fmt.Errorf("argument %d: %w", i, err)
			}
			args[i] = v
		}
	}
	return args, nil
}
