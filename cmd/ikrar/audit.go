package main

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"net/http"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"time"

	"golang.org/x/mod/sumdb/note"
	"golang.org/x/mod/sumdb/tlog"

	"github.com/ikrar-id/ikrar/internal/registry"
	"github.com/ikrar-id/ikrar/internal/seen"
	"github.com/ikrar-id/ikrar/internal/store/sqlite"
	"github.com/ikrar-id/ikrar/internal/translog"
)

const usageAudit = "usage: ikrar audit --data DIR [--key KEYFILE] [--witnesses FILE [--witness-quorum N] [--backdate-tolerance D]]  or  ikrar audit --data DIR --database URL [--key KEYFILE]  or  ikrar audit --remote URL --state DIR [--key KEYFILE] [--witnesses FILE [--witness-quorum N]]  or  ikrar audit --remote URL --since CHECKPOINT_FILE [--key KEYFILE] [--update] [--witnesses FILE [--witness-quorum N]]"

// cmdAudit checks the transparency log: from the database (--data), every
// row against its leaf, the stored tree and every signed checkpoint; or from
// outside (--remote), the registry's newest checkpoint against what the
// auditor remembers (--state) or kept (--since). Either way --key names the published verifier keys to
// trust; the audit of a data directory then needs no private key there.
func cmdAudit(ctx context.Context, args []string, stdout, stderr io.Writer, getenv func(string) string) error {
	fs := flag.NewFlagSet("audit", flag.ContinueOnError)
	reg := storeFlags(fs, getenv)
	dir := reg.dir
	remote := fs.String("remote", "", "base URL of a running registry, audited from outside")
	since := fs.String("since", "", "with --remote: file holding the checkpoint kept from the last audit")
	keyFile := fs.String("key", "", "the registry's published verifier keys, one per line (default: with --data, those in DIR/keys; with --remote, fetched from /api/v1/log/key)")
	update := fs.Bool("update", false, "with --remote: after a clean audit, save the newest checkpoint in the --since file")
	state := fs.String("state", "", "with --remote: directory remembering every checkpoint seen, per log; updated after each clean audit")
	witnessPolicyOf := witnessFlags(fs)
	tolerance := fs.Duration("backdate-tolerance", defaultBackdateTolerance, "with --data and --witnesses: flag records signed earlier than the witnessed time of the first checkpoint holding them by more than this")
	if err := parseFlags(fs, args, stderr); err != nil {
		return err
	}
	set := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { set[f.Name] = true })
	if fs.NArg() > 0 {
		return exitError{code: 2, msg: usageAudit}
	}
	witnesses, err := witnessPolicyOf()
	if err != nil {
		return exitError{code: 2, msg: err.Error()}
	}
	if *remote != "" {
		if set["data"] || set["database"] || (*since == "" && *state == "") || (*update && *since == "") {
			return exitError{code: 2, msg: usageAudit}
		}
		base, err := registryURL(*remote)
		if err != nil {
			return exitError{code: 2, msg: err.Error()}
		}
		return auditRemote(ctx, newHTTPClient(), base, remoteAudit{since: *since, update: *update, state: *state, keyFile: *keyFile}, witnesses, stdout)
	}
	if set["since"] || set["update"] || set["state"] {
		return exitError{code: 2, msg: "--since, --update and --state go with --remote; " + usageAudit}
	}
	database, err := reg.url()
	if err != nil {
		return err
	}
	if database != "" {
		if witnesses.quorum > 0 {
			return exitError{code: 2, msg: "--witnesses goes with the audit of an SQLite database (--data without --database) or of a running registry (--remote)"}
		}
		return auditStore(ctx, *dir, database, *keyFile, stdout, progressFor(stderr, getenv))
	}
	return auditLocal(ctx, *dir, *keyFile, witnesses, *tolerance, stdout, progressFor(stderr, getenv))
}

// defaultBackdateTolerance is how much earlier than its first witnessed
// checkpoint a record may say it was signed. A record is appended when it
// is signed, a checkpoint follows within seconds and the witnesses answer
// within seconds more; the submitter retries a witness that did not answer
// with a backoff of at most 5 minutes. Ten minutes covers one missed
// retry and clocks a minute or two apart, and is still far below the
// hours or days a back-dated record would need to matter.
const defaultBackdateTolerance = 10 * time.Minute

// auditProblems is an audit's list of problems, the first one first.
type auditProblems struct{ list []string }

func (p *auditProblems) add(format string, args ...any) {
	p.list = append(p.list, fmt.Sprintf(format, args...))
}

// report prints the outcome and returns the exit error naming the first
// problem.
func (p *auditProblems) report(out io.Writer, clean string) error {
	if len(p.list) == 0 {
		fmt.Fprintln(out, "AUDIT BERSIH / AUDIT CLEAN:", clean)
		return nil
	}
	fmt.Fprintf(out, "AUDIT GAGAL / AUDIT FAILED: %d masalah / %d problem(s)\n", len(p.list), len(p.list))
	for i, s := range p.list {
		fmt.Fprintf(out, "  %d. %s\n", i+1, s)
	}
	return exitError{code: 1, msg: "audit failed: " + p.list[0]}
}

// auditLocal audits the data directory dir, or a copy of it, changing
// nothing there: the database is opened read-only and read as one
// snapshot, rows streamed in leaf order, and the verifier keys come from
// keyFile or else from dir/keys, never a private key.
func auditLocal(ctx context.Context, dir, keyFile string, witnesses witnessPolicy, tolerance time.Duration, stdout io.Writer, prog progressTo) error {
	path := filepath.Join(dir, "ikrar.db")
	if _, err := os.Stat(path); err != nil {
		return exitError{code: 2, msg: fmt.Sprintf("no ikrar database in %s: %v", dir, err)}
	}
	keys, verifiers, err := auditKeys(dir, keyFile)
	if err != nil {
		return exitError{code: 2, msg: err.Error()}
	}
	view, err := sqlite.OpenLogView(path)
	if err != nil {
		return exitError{code: 2, msg: err.Error()}
	}
	defer view.Close()

	// The last checkpoint the signer kept beside its key is signed history
	// too, even when the database's copies were deleted. It is read before
	// the snapshot: the leaves it covers were committed before it was
	// signed, so a server signing meanwhile cannot put it beyond the
	// snapshot.
	lastSigned, lastOK := lastSignedIn(dir, verifiers)
	var p auditProblems
	var res *translog.RowAudit
	var kept, verified, rows, witnessedCount int
	err = view.Read(ctx, func(s *sqlite.LogSnapshot) error {
		signed, err := s.Checkpoints()
		if err != nil {
			return fmt.Errorf("read checkpoints: %w", err)
		}
		kept = len(signed)
		// Only checkpoints the registry's keys verify count; the note, not
		// the row's columns, says what was signed.
		var cps []translog.Checkpoint
		var cpProblems auditProblems
		var dated []translog.WitnessedAt
		for _, sc := range signed {
			c, err := translog.OpenCheckpoint(sc.Note, verifiers)
			if err != nil {
				cpProblems.add("checkpoint of size %d: its signature does not verify with the registry's keys (%v): forged, or signed with a key the registry does not publish", sc.Size, err)
				continue
			}
			if witnesses.quorum > 0 {
				_, found, err := translog.OpenCosignedCheckpoint(sc.Note, verifiers, witnesses.witnesses, witnesses.quorum)
				if err == nil {
					dated = append(dated, translog.WitnessedAt{Size: c.Size, At: found.QuorumTime(witnesses.quorum)})
				} else if !errors.Is(err, translog.ErrQuorum) {
					cpProblems.add("checkpoint of size %d: a witness cosignature does not verify: %v", sc.Size, err)
				}
			}
			if c.Size != sc.Size || c.Root != sc.Root {
				cpProblems.add("checkpoint of size %d: its size or root column differs from its signed note (size %d, root %s): edited out of band", sc.Size, c.Size, c.Root)
			}
			cps = append(cps, c)
		}
		verified = len(cps)
		if lastOK {
			cps = append(cps, lastSigned)
		}

		var tableProblems auditProblems
		witnessedCount = len(dated)
		backdate := translog.NewBackdateCheck(dated, tolerance)
		var backdated auditProblems
		size, err := s.LogSize()
		if err != nil {
			return err
		}
		meter := prog.start("audit", size, "entri/leaves")
		res, rows, tableProblems, err = auditRows(s, cps, func(r sqlite.LeafRecord) {
			meter.Add(1)
			claimed := r.Entry.ClaimedTime()
			if w, ok := backdate.Backdated(r.Index, claimed); ok {
				backdated.add("%s (leaf %d): says %s but the first witnessed checkpoint holding it (size %d) was cosigned at %s, %s later, beyond the %s tolerance: back-dated",
					r.What, r.Index, claimed.UTC().Format(time.RFC3339), w.Size, w.At.UTC().Format(time.RFC3339), w.At.Sub(claimed).Round(time.Second), tolerance)
			}
		})
		meter.Done()
		if err != nil {
			return err
		}
		// A leaf names its pledge by the hash of its canonical text; the
		// text a page shows must still have that hash.
		var pledgeProblems auditProblems
		err = s.EachPledge(func(pv registry.PledgeVersion) error {
			if h := pv.ComputeHash(); h != pv.Hash {
				pledgeProblems.add("pledge %d: its text no longer hashes to its recorded hash %s (now %s): edited out of band", pv.ID, pv.Hash, h)
			}
			return nil
		})
		if err != nil {
			return err
		}
		// A paper record's leaf commits to its scan's hash; the scan kept
		// must still have it.
		var scanProblems auditProblems
		err = s.EachPaperRecord(func(r sqlite.PaperRecord) error {
			switch sum := sha256.Sum256(r.Scan); {
			case r.Scan == nil && !r.Erased:
				scanProblems.add("paper signature %d (certificate %s): its scan is missing: deleted out of band", r.SignatureID, r.Code)
			case r.Scan != nil && r.Erased:
				scanProblems.add("paper signature %d (certificate %s): erased, but its scan is still stored", r.SignatureID, r.Code)
			case r.Scan != nil && hex.EncodeToString(sum[:]) != r.ScanHash:
				scanProblems.add("paper signature %d (certificate %s): its stored scan hashes to %x, not to the %s its leaf commits to: replaced out of band", r.SignatureID, r.Code, sum, r.ScanHash)
			}
			return nil
		})
		if err != nil {
			return err
		}
		// Rows first, by leaf index: the first problem names the first row
		// touched; what follows from it (roots that no longer match) comes
		// last.
		for _, f := range res.Rows {
			p.add("%s", f)
		}
		if res.Omitted > 0 {
			p.add("%d more leaves differ from their rows (not listed)", res.Omitted)
		}
		p.list = append(p.list, backdated.list...)
		p.list = append(p.list, pledgeProblems.list...)
		p.list = append(p.list, scanProblems.list...)
		p.list = append(p.list, tableProblems.list...)
		p.list = append(p.list, cpProblems.list...)
		for _, f := range res.Tree {
			if f.Kind == translog.FindingCount {
				continue // the table check above said it, and why
			}
			p.add("%s", explainFinding(f))
		}
		return nil
	})
	if err != nil {
		return err
	}

	name, _, _ := strings.Cut(keys[0], "+")
	fmt.Fprintf(stdout, "Audit %s (log %s)\n", dir, name)
	fmt.Fprintf(stdout, "  log:          %d leaves, root %s\n", res.Size, res.Root)
	fmt.Fprintf(stdout, "  rows:         %d rows claim leaves\n", rows)
	fmt.Fprintf(stdout, "  checkpoints:  %d kept, %d verified with %d key(s)\n", kept, verified, len(keys))
	if witnesses.quorum > 0 {
		fmt.Fprintf(stdout, "  witnessed:    %d checkpoints cosigned by %d of the %d witnesses; records dated against them within %s\n", witnessedCount, witnesses.quorum, len(witnesses.witnesses), tolerance)
	} else {
		fmt.Fprintln(stdout, "  witnessed:    not checked (no --witnesses): back-dated records cannot be found")
	}
	return p.report(stdout, "every row matches its leaf, the stored tree matches the rows, and every checkpoint matches the tree")
}

// auditRows recomputes every leaf from the rows that claim it and compares
// the rows, the stored tree and the checkpoints cps, in one snapshot; each
// row is also passed to seen, if not nil. Problems with the table of stored
// hashes come back apart, explained.
func auditRows(s *sqlite.LogSnapshot, cps []translog.Checkpoint, seen func(sqlite.LeafRecord)) (res *translog.RowAudit, rows int, tableProblems auditProblems, err error) {
	size, err := s.LogSize()
	if err != nil {
		return nil, 0, auditProblems{}, err
	}
	table, err := s.StoredHashes()
	if err != nil {
		return nil, 0, auditProblems{}, err
	}
	maxRow, err := s.MaxLeafIndex()
	if err != nil {
		return nil, 0, auditProblems{}, err
	}
	// The table of stored hashes must be that of a log of log_state's
	// size. Where it is not, audit the longer of the two logs, but no
	// further than rows reach: a size raised to billions must not
	// exhaust memory.
	storedSize := size
	n, contiguous := storedTreeSize(table)
	switch {
	case !contiguous:
		tableProblems.add("log_hashes: %d stored hashes at indexes %d to %d, not a contiguous table from 0: stored hashes deleted or inserted out of band", table.Count, table.Min, table.Max)
		size, storedSize = min(size, maxRow+1), 0
	case n != size:
		tableProblems.add("log size: log_state says %d leaves but log_hashes holds the stored hashes of %d: edited out of band", size, n)
		size, storedSize = max(n, min(size, maxRow+1)), n
	case table.Count != tlog.StoredHashCount(n):
		tableProblems.add("log_hashes: %d stored hashes, a log of %d leaves has %d: stored hashes inserted out of band", table.Count, n, tlog.StoredHashCount(n))
	}

	audit, err := translog.NewRowAuditor(size, s.HashReader(), storedSize, cps)
	if err != nil {
		return nil, 0, auditProblems{}, fmt.Errorf("audit: %w", err)
	}
	err = s.EachLeafRecord(func(r sqlite.LeafRecord) error {
		rows++
		if seen != nil {
			seen(r)
		}
		return audit.Add(translog.Row{Index: r.Index, What: r.What, Leaf: r.Entry.Hash(), IdentityOK: r.IdentityOK, HolderEdited: !r.HolderOK})
	})
	if err != nil {
		return nil, 0, auditProblems{}, err
	}
	if res, err = audit.Finish(); err != nil {
		return nil, 0, auditProblems{}, fmt.Errorf("audit: %w", err)
	}
	return res, rows, tableProblems, nil
}

// auditKeys returns the verifier keys a local audit trusts: those in
// keyFile, as the registry publishes them, or else those kept in the data
// directory.
func auditKeys(dir, keyFile string) ([]string, note.Verifiers, error) {
	if keyFile != "" {
		return readVerifierKeys(keyFile)
	}
	keys, err := translog.ReadVerifierKeys(filepath.Join(dir, "keys"))
	if err != nil || len(keys) == 0 {
		return nil, nil, fmt.Errorf("no verifier keys in %s (%v): pass the registry's published keys with --key", filepath.Join(dir, "keys"), err)
	}
	verifiers, err := translog.ParseVerifierKeys(strings.Join(keys, "\n"))
	if err != nil {
		return nil, nil, fmt.Errorf("%s: %w", filepath.Join(dir, "keys"), err)
	}
	return keys, verifiers, nil
}

// storedTreeSize returns the number of leaves whose stored hashes the table
// holds, and false if its indexes are not contiguous from 0.
func storedTreeSize(t sqlite.StoredHashTable) (int64, bool) {
	if t.Count == 0 {
		return 0, true
	}
	if t.Min != 0 || t.Max != t.Count-1 {
		return 0, false
	}
	// The largest n whose StoredHashCount fits in the table.
	n := sort.Search(int(min(t.Count, 1<<40)), func(n int) bool { return tlog.StoredHashCount(int64(n)+1) > t.Count })
	return int64(n), true
}

// explainFinding says what a tree-level audit finding means.
func explainFinding(f translog.AuditFinding) string {
	switch f.Kind {
	case translog.FindingStoredHash:
		return fmt.Sprintf("log_hashes: the stored hash at level %d, index %d differs from the tree recomputed from the rows: edited out of band", f.Level, f.Index)
	case translog.FindingBeyond:
		return fmt.Sprintf("checkpoint of size %d: the registry signed a log of %d leaves but the database has %d: records were removed", f.Size, f.Size, f.Other)
	case translog.FindingRoot:
		return fmt.Sprintf("checkpoint of size %d: its signed root differs from the tree recomputed from the rows", f.Size)
	case translog.FindingFork:
		return fmt.Sprintf("checkpoints of size %d: two signed roots for one size: the registry showed different histories (fork)", f.Size)
	case translog.FindingInconsistent:
		return fmt.Sprintf("checkpoint of size %d: not a prefix of the matching checkpoint of size %d: history rewritten between them", f.Size, f.Other)
	}
	return f.String()
}

// remoteAudit is what an audit from outside compares the registry with.
type remoteAudit struct {
	since   string // a file holding one kept checkpoint
	update  bool   // replace it after a clean audit
	state   string // a state directory remembering every checkpoint seen
	keyFile string
}

// auditRemote checks a running registry the way an outsider can: its
// newest checkpoint must be signed by its key and extend, by a consistency
// proof, the checkpoint the auditor kept from last time (--since) and
// every one it remembers (--state), which the registry must still serve
// unchanged.
func auditRemote(ctx context.Context, client *http.Client, base string, o remoteAudit, witnesses witnessPolicy, stdout io.Writer) error {
	var verifiers note.Verifiers
	if o.keyFile != "" {
		var err error
		if _, verifiers, err = readVerifierKeys(o.keyFile); err != nil {
			return exitError{code: 2, msg: err.Error()}
		}
	} else {
		_, b, err := fetch(ctx, client, http.MethodGet, base+"/api/v1/log/key", nil)
		if err != nil {
			return fmt.Errorf("fetch the registry's keys: %w", err)
		}
		if verifiers, err = translog.ParseVerifierKeys(string(b)); err != nil {
			return exitError{code: 1, msg: fmt.Sprintf("the registry's published keys: %v", err)}
		}
		fmt.Fprintln(stdout, "Catatan / Note: kunci diambil dari registri yang diaudit; simpan dan gunakan --key / keys fetched from the audited registry itself; keep them and pass --key next time")
	}
	var d *seen.Dir
	if o.state != "" {
		var err error
		if d, err = openState(o.state, stdout); err != nil {
			return err
		}
		defer d.Close()
	}

	_, newNote, err := fetch(ctx, client, http.MethodGet, base+"/api/v1/log/checkpoint", nil)
	if err != nil {
		return fmt.Errorf("fetch the newest checkpoint: %w", err)
	}
	var p auditProblems
	latest, err := translog.OpenCheckpoint(newNote, verifiers)
	if err != nil {
		p.add("the registry's newest checkpoint does not verify with its keys: %v", err)
		return p.report(stdout, "")
	}
	fmt.Fprintf(stdout, "Registry %s: log %s, %d leaves, root %s\n", base, latest.Origin, latest.Size, latest.Root)
	if problem := witnesses.check(newNote, verifiers, stdout); problem != "" {
		p.add("%s", problem)
		return p.report(stdout, "")
	}

	var saves []func() error
	clean := fmt.Sprintf("checkpoint %d is signed", latest.Size)
	if o.since != "" {
		save, kept, err := auditSince(ctx, client, base, o, verifiers, latest, newNote, &p, stdout)
		if err != nil {
			return err
		}
		if save != nil {
			saves = append(saves, save)
		}
		if kept != nil {
			clean += fmt.Sprintf(" and extends the kept checkpoint %d", kept.Size)
		}
	}
	if d != nil {
		save, err := auditState(ctx, client, base, d, verifiers, latest, newNote, &p, stdout)
		if err != nil {
			return err
		}
		saves = append(saves, save)
		clean += ", consistent with every checkpoint remembered in " + d.Path()
	}
	if reason := remoteRefusal(ctx, client, base); reason != "" {
		p.add("the registry's signer refuses to sign: its stored log disagrees with the last checkpoint it signed (/readyz: %s)", reason)
	}
	if err := p.report(stdout, clean); err != nil {
		return err
	}
	for _, save := range saves {
		if err := save(); err != nil {
			return err
		}
	}
	return nil
}

// auditSince checks the newest checkpoint against the one kept in the file
// o.since. It returns the kept checkpoint (nil if none could be read) and
// what saves the newest there, to run after a clean audit if asked.
func auditSince(ctx context.Context, client *http.Client, base string, o remoteAudit, verifiers note.Verifiers,
	latest translog.Checkpoint, newNote []byte, p *auditProblems, stdout io.Writer) (func() error, *translog.Checkpoint, error) {
	save := func() error {
		if err := writeFileAtomic(o.since, newNote); err != nil {
			return err
		}
		fmt.Fprintf(stdout, "Saved checkpoint %d in %s.\n", latest.Size, o.since)
		return nil
	}
	oldNote, err := os.ReadFile(o.since)
	if errors.Is(err, fs.ErrNotExist) && o.update {
		fmt.Fprintf(stdout, "No checkpoint kept yet in %s: audit again later, after saving this one, to prove the log only grew.\n", o.since)
		return save, nil, nil
	}
	if err != nil {
		return nil, nil, exitError{code: 2, msg: fmt.Sprintf("read the kept checkpoint: %v (on a first audit, add --update to keep the newest)", err)}
	}
	kept, err := translog.OpenCheckpoint(oldNote, verifiers)
	if err != nil {
		p.add("the kept checkpoint %s does not verify with the registry's keys: %v", o.since, err)
		return nil, nil, nil
	}
	fmt.Fprintf(stdout, "Kept %s: %d leaves, root %s\n", o.since, kept.Size, kept.Root)

	switch {
	case kept.Origin != latest.Origin:
		p.add("the kept checkpoint is of log %s, the registry's of %s", kept.Origin, latest.Origin)
	case latest.Size < kept.Size:
		p.add("the log shrank: the newest checkpoint has %d leaves, the kept one %d: history was rolled back", latest.Size, kept.Size)
	case latest.Size == kept.Size && latest.Root != kept.Root:
		p.add("fork: the kept checkpoint and the newest both have %d leaves but different roots: the registry showed different histories", kept.Size)
	case latest.Size > kept.Size:
		if err := checkRemoteConsistency(ctx, client, base, kept, latest); err != nil {
			p.add("%v", err)
		}
	}
	// The registry's own copy of the kept checkpoint must be the same: a
	// second root for one size is a fork even if both extend consistently
	// for their own audience.
	if _, b, err := fetch(ctx, client, http.MethodGet, base+"/api/v1/log/checkpoint/"+strconv.FormatInt(kept.Size, 10), nil); err == nil {
		theirs, err := translog.OpenCheckpoint(b, verifiers)
		if err != nil {
			p.add("the registry's checkpoint of size %d does not verify with its keys: %v", kept.Size, err)
		} else if forks := translog.Forks([]translog.Checkpoint{kept, theirs}); len(forks) > 0 {
			p.add("fork: the registry now serves a checkpoint of size %d with root %s, the kept one has %s", kept.Size, theirs.Root, kept.Root)
		}
	}
	if !o.update || latest.Size == kept.Size {
		save = nil
	}
	return save, &kept, nil
}

// checkRemoteConsistency fetches and checks the proof that the log of the
// kept checkpoint is a prefix of the latest.
func checkRemoteConsistency(ctx context.Context, client *http.Client, base string, kept, latest translog.Checkpoint) error {
	resp, proof, err := fetchConsistency(ctx, client, base, kept.Size, latest.Size)
	if err != nil {
		return err
	}
	if err := translog.CheckConsistency(proof, latest.Size, latest.Root, kept.Size, kept.Root); err != nil {
		return fmt.Errorf("the newest checkpoint %d does not extend the kept checkpoint %d (%v): history was rewritten", latest.Size, kept.Size, err)
	}
	if resp.Root != latest.Root.String() {
		return fmt.Errorf("the registry's tree of size %d now has root %s, but it signed %s: the log was edited after signing", latest.Size, resp.Root, latest.Root)
	}
	return nil
}

// writeFileAtomic replaces path with data so a crash leaves the old file or
// the new one, never half of one.
func writeFileAtomic(path string, data []byte) error { return seen.WriteFileAtomic(path, data) }
