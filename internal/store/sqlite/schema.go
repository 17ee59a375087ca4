package sqlite

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"sort"
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
	return fmt.Sprintf("skema basis data versi %d lebih baru daripada yang dikenal ikrar ini (versi %d); jalankan versi ikrar yang menulisnya atau yang lebih baru", e.Have, e.Known) + " / " +
		fmt.Sprintf("the database has schema version %d, newer than the %d this ikrar knows: it was written by a newer ikrar; run that release or a later one (docs/UPGRADE.md)", e.Have, e.Known)
}

// OutdatedError is a database of an older schema opened by a command
// that does not migrate.
type OutdatedError struct {
	Have, Known int
}

func (e *OutdatedError) Error() string {
	return fmt.Sprintf("skema basis data versi %d lebih lama daripada versi %d ikrar ini; buat cadangan (ikrar backup), lalu jalankan ikrar migrate --data DIR", e.Have, e.Known) + " / " +
		fmt.Sprintf("the database has schema version %d, older than the %d this ikrar uses: back it up (ikrar backup), then run ikrar migrate --data DIR (docs/UPGRADE.md)", e.Have, e.Known)
}

// MigrationStatus reads the schema version of the database file, read-only
// and whatever its version, and the migrations this build would apply to
// it (have 0 and every migration when file does not exist yet).
func MigrationStatus(file string) (have int, pending []string, err error) {
	if _, err := os.Stat(file); err == nil {
		v, err := openLogView(file, schemaAny)
		if err != nil {
			return 0, nil, err
		}
		have = v.SchemaVersion()
		v.Close()
	} else if !errors.Is(err, fs.ErrNotExist) {
		return 0, nil, err
	}
	names, err := fs.Glob(migrations, "migrations/*.sql")
	if err != nil {
		return 0, nil, err
	}
	sort.Strings(names)
	for _, name := range names {
		v, err := strconv.Atoi(strings.SplitN(path.Base(name), "_", 2)[0])
		if err != nil {
			return 0, nil, fmt.Errorf("migration %s: bad version prefix", name)
		}
		if v > have {
			pending = append(pending, path.Base(name))
		}
	}
	return have, pending, nil
}
