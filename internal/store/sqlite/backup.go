package sqlite

import (
	"context"
	"fmt"

	"golang.org/x/mod/sumdb/tlog"

	"github.com/ikrar-id/ikrar/internal/private"
)

// Backup writes a consistent copy of the database to path, which must not
// exist, readable by its owner only. It goes through the read-only view,
// so it never migrates or otherwise writes the live database; VACUUM INTO
// copies one snapshot of the live content, with no free pages and no WAL.
func (v *LogView) Backup(ctx context.Context, file string) error {
	// query_only refuses VACUUM INTO, whose output is another file; the
	// view's read-only mode (mode=ro) still keeps the database unwritten.
	conn, err := v.db.Conn(ctx)
	if err != nil {
		return err
	}
	defer conn.Close()
	if _, err := conn.ExecContext(ctx, `PRAGMA query_only = 0`); err != nil {
		return err
	}
	defer conn.ExecContext(context.WithoutCancel(ctx), `PRAGMA query_only = 1`)
	if _, err := conn.ExecContext(ctx, `VACUUM INTO ?`, file); err != nil {
		return fmt.Errorf("copy the database to %s: %w", file, err)
	}
	return private.Chmod(file)
}

// Head is the log's size and root hash as the database records them.
func (v *LogView) Head(ctx context.Context) (size int64, root tlog.Hash, err error) {
	err = v.Read(ctx, func(s *LogSnapshot) error {
		if size, err = s.LogSize(); err != nil {
			return err
		}
		if size == 0 {
			return nil
		}
		root, err = tlog.TreeHash(size, s.HashReader())
		if err != nil {
			return fmt.Errorf("log root at size %d: %w", size, err)
		}
		return nil
	})
	return size, root, err
}
