package sqlite

import (
	"fmt"
	"io/fs"
	"path"
	"strconv"
	"strings"
)

// KnownSchemaVersion is the newest schema version this build has a
// migration for.
func KnownSchemaVersion() (int, error) {
	names, err := fs.Glob(migrations, "migrations/*.sql")
	if err != nil {
		return 0, err
	}
	want := 0
	for _, name := range names {
		v, err := strconv.Atoi(strings.SplitN(path.Base(name), "_", 2)[0])
		if err != nil {
			return 0, fmt.Errorf("migration %s: bad version prefix", name)
		}
		want = max(want, v)
	}
	return want, nil
}

// SchemaError is a database written by a newer ikrar than this one: its
// schema may have columns and rules this build does not know, so neither
// serving it nor writing it is safe.
type SchemaError struct {
	Have, Known int
}

func (e *SchemaError) Error() string {
	return fmt.Sprintf("skema basis data versi %d lebih baru daripada yang dikenal ikrar ini (versi %d); jalankan versi ikrar yang menulisnya atau yang lebih baru / "+
		"the database has schema version %d, newer than the %d this ikrar knows: it was written by a newer ikrar; run that release or a later one (docs/UPGRADE.md)",
		e.Have, e.Known, e.Have, e.Known)
}
