package main

import (
	"context"
	"fmt"
	"io"
	"strings"

	"github.com/ikrar-id/ikrar/internal/leaf"
	"github.com/ikrar-id/ikrar/internal/registry"
	"github.com/ikrar-id/ikrar/internal/translog"
)

// auditBatch is how many leaves the audit of a store rebuilds at a time.
const auditBatch = 10_000

// auditStore audits the registry in a PostgreSQL database through the
// store, as the server reads it: every signed checkpoint against the
// registry's verifier keys, every leaf rebuilt from the rows that claim it
// (exactly one row each) against the stored tree, and the stored tree
// against every checkpoint, every record's personal data, every pledge
// text and every paper record's scan against the hashes its leaf commits
// to. What only the offline audit of an SQLite file does: the table of
// stored hashes' shape, and back-dating against witnesses. It changes
// nothing.
func auditStore(ctx context.Context, dir, database, keyFile string, stdout io.Writer, prog progressTo) error {
	keys, verifiers, err := auditKeys(dir, keyFile)
	if err != nil {
		return exitError{code: 2, msg: err.Error()}
	}
	a, err := openCommand(ctx, dir, database)
	if err != nil {
		return err
	}
	defer a.Close()
	// Checkpoints first: each was signed over leaves already stored, so
	// the size read next covers them all.
	signed, err := a.db.Checkpoints(ctx)
	if err != nil {
		return fmt.Errorf("read checkpoints: %w", err)
	}
	var p auditProblems
	var cps []translog.Checkpoint
	for _, sc := range signed {
		c, err := translog.OpenCheckpoint(sc.Note, verifiers)
		if err != nil {
			p.add("checkpoint of size %d: its signature does not verify with the registry's keys (%v): forged, or signed with a key the registry does not publish", sc.Size, err)
			continue
		}
		if c.Size != sc.Size || c.Root != sc.Root {
			p.add("checkpoint of size %d: its size or root column differs from its signed note (size %d, root %s): edited out of band", sc.Size, c.Size, c.Root)
		}
		cps = append(cps, c)
	}
	verified := len(cps)
	if last, ok := lastSignedIn(dir, verifiers); ok {
		cps = append(cps, last)
	}
	size, err := a.db.StoredLogSize(ctx)
	if err != nil {
		return fmt.Errorf("read the log's size: %w", err)
	}
	audit, err := translog.NewRowAuditor(size, a.db.HashReader(ctx), size, cps)
	if err != nil {
		return fmt.Errorf("audit: %w", err)
	}
	edited, err := editedPersonalData(ctx, a.db)
	if err != nil {
		return err
	}
	var paper []translog.Entry // paper records, whose scans are checked after
	meter := prog.start("audit", size, "entri/leaves")
	for from := int64(0); from < size; from += auditBatch {
		to := min(from+auditBatch, size)
		entries, err := a.db.LeafEntries(ctx, from, to)
		if err != nil {
			meter.Done()
			// A leaf no row claims, or one claimed twice.
			return exitError{code: 1, msg: fmt.Sprintf("audit failed: leaves %d to %d: %v", from, to-1, err)}
		}
		for i, e := range entries {
			index := from + int64(i)
			what := fmt.Sprintf("%s %s (leaf %d)", e.Kind, e.Code, index)
			row := translog.Row{Index: index, What: what, Leaf: e.Hash(), IdentityOK: true}
			if ok, found := edited[e.Code]; found && e.Kind == translog.KindSignature {
				row.IdentityOK, row.HolderEdited = ok.identity, !ok.holder
			}
			if err := audit.Add(row); err != nil {
				meter.Done()
				return err
			}
			if e.Kind == translog.KindSignature && e.Channel == translog.ChannelPaper {
				paper = append(paper, e)
			}
		}
		meter.Add(int64(len(entries)))
	}
	meter.Done()
	res, err := audit.Finish()
	if err != nil {
		return fmt.Errorf("audit: %w", err)
	}
	var found auditProblems
	for _, f := range res.Rows {
		found.add("%s", f)
	}
	if res.Omitted > 0 {
		found.add("%d more leaves differ from their rows (not listed)", res.Omitted)
	}
	// A leaf names its pledge by the hash of its canonical text; the text
	// a page shows must still have that hash.
	pledges, err := a.db.Pledges(ctx, "/")
	if err != nil {
		return fmt.Errorf("read pledges: %w", err)
	}
	for _, pv := range pledges {
		if h := pv.ComputeHash(); h != pv.Hash {
			found.add("pledge %d: its text no longer hashes to its recorded hash %s (now %s): edited out of band", pv.ID, pv.Hash, h)
		}
	}
	found.list = append(found.list, p.list...)
	for _, f := range res.Tree {
		found.add("%s", explainFinding(f))
	}
	// A paper record's leaf commits to its scan's hash; the scan kept must
	// still have it.
	for _, e := range paper {
		if err := checkPaperScan(ctx, a.db, e, &found); err != nil {
			return err
		}
	}
	name, _, _ := strings.Cut(keys[0], "+")
	fmt.Fprintf(stdout, "Audit %s (log %s)\n", storeName(dir, database), name)
	fmt.Fprintf(stdout, "  log:          %d leaves, root %s\n", res.Size, res.Root)
	fmt.Fprintf(stdout, "  rows:         %d leaves rebuilt from their rows\n", size)
	fmt.Fprintf(stdout, "  checkpoints:  %d kept, %d verified with %d key(s)\n", len(signed), verified, len(keys))
	fmt.Fprintf(stdout, "  pledges:      %d texts against their hashes\n", len(pledges))
	fmt.Fprintf(stdout, "  paper scans:  %d against their leaves\n", len(paper))
	fmt.Fprintln(stdout, "  identities:   every record's name, NIP, position, rank and unit against the hashes in its leaf")
	fmt.Fprintln(stdout, "  not checked:  the dating of records against witnesses (the audit of an SQLite copy does)")
	return found.report(stdout, "every leaf matches its row, the stored tree matches the leaves, and every checkpoint matches the tree")
}

// checkPaperScan adds to p what is wrong with the scan kept for e, a
// paper record's leaf: missing while the record is not erased, kept after
// its erasure, or not the scan the leaf commits to.
func checkPaperScan(ctx context.Context, db store, e translog.Entry, p *auditProblems) error {
	sig, err := db.SignatureByCode(ctx, e.Code)
	if err != nil {
		return fmt.Errorf("read paper record %s: %w", e.Code, err)
	}
	scan, err := db.PaperScan(ctx, sig.ID)
	missing := registry.IsCode(err, registry.ENOTFOUND)
	if err != nil && !missing {
		return fmt.Errorf("read the scan of %s: %w", e.Code, err)
	}
	switch {
	case missing && !sig.Erased():
		p.add("paper signature %d (certificate %s): its scan is missing: deleted out of band", sig.ID, e.Code)
	case !missing && sig.Erased():
		p.add("paper signature %d (certificate %s): erased, but its scan is still stored", sig.ID, e.Code)
	case !missing && scan.SHA256() != e.ScanHash:
		p.add("paper signature %d (certificate %s): its stored scan hashes to %s, not to the %s its leaf commits to: replaced out of band", sig.ID, e.Code, scan.SHA256(), e.ScanHash)
	}
	return nil
}

// personalDataOK is whether a record's name and NIP (identity) and its
// position, rank and unit (holder) match the hashes in its leaf.
type personalDataOK struct{ identity, holder bool }

// editedPersonalData lists, by certificate code, the records still
// holding personal data that no longer matches their leaf's hashes
// (normally none), reading every event's records through the store.
func editedPersonalData(ctx context.Context, db store) (map[string]personalDataOK, error) {
	events, err := db.Events(ctx, "/")
	if err != nil {
		return nil, fmt.Errorf("read events: %w", err)
	}
	edited := map[string]personalDataOK{}
	for _, ev := range events {
		err := db.EachSignature(ctx, registry.SignatureQuery{EventID: ev.ID, Scope: "/"}, func(s registry.Signature) error {
			if identity, holder := leaf.PersonalDataOK(s); !identity || !holder {
				edited[s.Code] = personalDataOK{identity, holder}
			}
			return nil
		})
		if err != nil {
			return nil, fmt.Errorf("read the records of event %d: %w", ev.ID, err)
		}
	}
	return edited, nil
}
