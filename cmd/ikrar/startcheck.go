package main

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"
	"slices"

	"golang.org/x/mod/sumdb/note"

	"github.com/ikrar-id/ikrar/internal/store/sqlite"
	"github.com/ikrar-id/ikrar/internal/translog"
)

// The signer's fallback searches every stored checkpoint.
var _ translog.CheckpointLister = (*sqlite.DB)(nil)

// lastSignedIn reads the last checkpoint the signer kept in dir/keys, if
// there is one that verifies.
func lastSignedIn(dir string, verifiers note.Verifiers) (translog.Checkpoint, bool) {
	b, err := os.ReadFile(filepath.Join(dir, "keys", translog.LastSignedFile))
	if err != nil {
		return translog.Checkpoint{}, false
	}
	c, err := translog.OpenCheckpoint(b, verifiers)
	return c, err == nil
}

// locateDisagreement says where the stored log of the data directory dir
// departs from what the registry signed (ie.Last and every stored
// checkpoint that verifies): the first row that no longer matches its
// stored leaf, or else the leaf (or the narrowest range of leaves) between
// the largest signed checkpoint the rows still match and the smallest they
// do not.
func locateDisagreement(ctx context.Context, dir string, verifiers note.Verifiers, ie *translog.InconsistentError) (string, error) {
	if ie.Kind == "rollback" {
		return fmt.Sprintf("the registry signed a log of %d leaves but the database holds %d: leaves %d to %d were removed",
			ie.Last.Size, ie.TreeSize, ie.TreeSize, ie.Last.Size-1), nil
	}
	last, err := translog.OpenCheckpoint(ie.Last.Note, verifiers)
	if err != nil {
		return "", err
	}
	view, err := sqlite.OpenLogView(filepath.Join(dir, "ikrar.db"))
	if err != nil {
		return "", err
	}
	defer view.Close()
	var where string
	err = view.Read(ctx, func(s *sqlite.LogSnapshot) error {
		cps := []translog.Checkpoint{last}
		stored, err := s.Checkpoints()
		if err != nil {
			return err
		}
		for _, sc := range stored {
			if c, err := translog.OpenCheckpoint(sc.Note, verifiers); err == nil && c.Size <= last.Size {
				cps = append(cps, c)
			}
		}
		what := map[int64]string{}
		res, _, table, err := auditRows(s, cps, func(r sqlite.LeafRecord) {
			if r.Index < last.Size {
				what[r.Index] = r.What
			}
		})
		if err != nil {
			return err
		}
		for _, f := range res.Rows {
			if f.Index < last.Size {
				where = f.String()
				return nil
			}
		}
		if len(table.list) > 0 {
			where = table.list[0]
			return nil
		}
		where = bracket(cps, res.AuditReport, what)
		return nil
	})
	return where, err
}

// bracket names the first leaf that changed after it was signed, from the
// signed checkpoints the rows still match and those they do not: exactly
// when two of them are one leaf apart, as they are when the registry
// signs after every record.
func bracket(cps []translog.Checkpoint, r *translog.AuditReport, what map[int64]string) string {
	bad := map[int64]bool{}
	for _, f := range r.Findings {
		if f.Kind == translog.FindingRoot || f.Kind == translog.FindingFork {
			bad[f.Size] = true
		}
	}
	var sizes []int64
	for _, c := range cps {
		sizes = append(sizes, c.Size)
	}
	slices.Sort(sizes)
	sizes = slices.Compact(sizes)
	lo, hi := int64(0), int64(-1)
	for _, n := range sizes {
		if bad[n] {
			hi = n
			break
		}
		lo = n
	}
	switch {
	case hi < 0:
		return "every signed checkpoint matches the rows; the stored tree's hashes were edited (run ikrar audit --data)"
	case hi-lo == 1:
		return fmt.Sprintf("leaf %d (%s) differs from what the registry signed: the signed checkpoint of size %d matches the rows, that of size %d does not",
			lo, cmp.Or(what[lo], "no row"), lo, hi)
	}
	return fmt.Sprintf("the first leaf that differs from what the registry signed is one of %d to %d: the signed checkpoint of size %d matches the rows, that of size %d does not",
		lo, hi-1, lo, hi)
}

// checkSignedHistory is the start-up check of ikrar serve: the stored tree
// must extend the last checkpoint the registry signed. When it does not,
// the server still starts, serving its pages against that checkpoint, but
// signs nothing and /readyz answers 503, and the log says where the tree
// departs from what was signed: on the day of a declaration the public
// must keep being able to check certificates, and an operator who sees
// 503 must be told what to audit.
func checkSignedHistory(ctx context.Context, dir string, onSQLite bool, cp *translog.Checkpointer, log *slog.Logger) error {
	err := cp.Check(ctx)
	ie, ok := errors.AsType[*translog.InconsistentError](err)
	if !ok {
		if err != nil {
			return fmt.Errorf("check the stored log against the last signed checkpoint: %w", err)
		}
		return nil
	}
	where := "not located: the row-by-row audit reads an SQLite database (ikrar audit --data DIR --database URL checks the rows against their leaves)"
	if onSQLite {
		var lerr error
		if where, lerr = locateDisagreement(ctx, dir, cp.Keys.Verifiers(), ie); lerr != nil {
			where = "not located: " + lerr.Error()
		}
	}
	log.Error("START-UP CHECK FAILED: the stored log disagrees with the last checkpoint this registry signed; serving pages against it, signing nothing, /readyz answers 503 until the log agrees (run ikrar audit --data)",
		"kind", ie.Kind, "signed_size", ie.Last.Size, "signed_root", ie.Last.Root.String(), "tree_size", ie.TreeSize, "where", where)
	return nil
}

// remoteRefusal asks a registry's /readyz whether its signer refuses to
// sign because its stored log disagrees with what it signed, and returns
// the reason it gives ("" if it does not say so).
func remoteRefusal(ctx context.Context, client *http.Client, base string) string {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, base+"/readyz", nil)
	if err != nil {
		return ""
	}
	res, err := client.Do(req)
	if err != nil {
		return ""
	}
	defer res.Body.Close()
	var ready struct{ Code, Detail string }
	if res.StatusCode != http.StatusServiceUnavailable || json.NewDecoder(io.LimitReader(res.Body, 64<<10)).Decode(&ready) != nil || ready.Code != "log_inconsistent" {
		return ""
	}
	return ready.Detail
}
