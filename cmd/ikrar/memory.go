package main

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"path/filepath"
	"strconv"
	"time"

	"golang.org/x/mod/sumdb/note"
	"golang.org/x/mod/sumdb/tlog"

	"github.com/ikrar-id/ikrar/internal/seen"
	"github.com/ikrar-id/ikrar/internal/translog"
)

// openState opens a state directory (internal/seen), saying so when it
// waits for another run that holds it.
func openState(path string, out io.Writer) (*seen.Dir, error) {
	d, err := seen.Open(path, func() {
		fmt.Fprintf(out, "Menunggu proses lain yang memakai %s / waiting for another run using %s\n", path, path)
	})
	if err != nil {
		return nil, exitError{code: 2, msg: err.Error()}
	}
	return d, nil
}

// defaultStateDir is where `ikrar verify --online` remembers checkpoints
// unless told otherwise: ikrar in the user's cache directory.
func defaultStateDir(userCacheDir func() (string, error)) (string, error) {
	dir, err := userCacheDir()
	if err != nil || dir == "" {
		return "", fmt.Errorf("no user cache directory to remember checkpoints in (%v): pass --state DIR, or --no-state", err)
	}
	return filepath.Join(dir, "ikrar"), nil
}

// seenOn says when a checkpoint was first seen.
func seenOn(t time.Time) string { return t.UTC().Format("2006-01-02 15:04 UTC") }

// fetchConsistency fetches the registry's proof that the tree of size from
// is a prefix of the tree of size to.
func fetchConsistency(ctx context.Context, client *http.Client, base string, from, to int64) (proofResponse, []tlog.Hash, error) {
	var resp proofResponse
	u := fmt.Sprintf("%s/api/v1/log/proof/consistency?from=%d&to=%d", base, from, to)
	if _, err := fetchJSON(ctx, client, http.MethodGet, u, nil, &resp); err != nil {
		return resp, nil, fmt.Errorf("fetch the consistency proof: %w", err)
	}
	if resp.From != from || resp.Size != to {
		return resp, nil, fmt.Errorf("the consistency proof is from %d to %d, asked from %d to %d", resp.From, resp.Size, from, to)
	}
	proof, err := resp.hashes()
	if err != nil {
		return resp, nil, fmt.Errorf("the consistency proof: %w", err)
	}
	return resp, proof, nil
}

// remoteProver is a seen.Prover asking the registry at base.
func remoteProver(ctx context.Context, client *http.Client, base string) seen.Prover {
	return func(from, to int64) ([]tlog.Hash, error) {
		_, proof, err := fetchConsistency(ctx, client, base, from, to)
		return proof, err
	}
}

// writeConflict writes the evidence of a conflict and returns the
// conflict's description naming the files.
func writeConflict(d *seen.Dir, c *seen.Conflict, base string, now time.Time) string {
	ev, err := d.WriteEvidence(now, c.Kept.Note, c.ServedNote, c.Report(base, now))
	if err != nil {
		return fmt.Sprintf("%v (evidence not written: %v)", c, err)
	}
	if ev.Served == "" {
		return fmt.Sprintf("%v; evidence: %s, %s", c, ev.Kept, ev.Report)
	}
	return fmt.Sprintf("%v; evidence: %s and %s (%s)", c, ev.Kept, ev.Served, ev.Report)
}

// maxRecheck bounds how many remembered checkpoints one audit asks the
// registry for again, newest first.
const maxRecheck = 1000

// auditState checks the registry's newest checkpoint (latest, with its
// signed note) against what the state remembers of its log, and asks the
// registry again for every checkpoint of a size it served before. It
// returns the function that remembers latest, to call only after a clean
// audit; an unreadable state is an error, and the audit stops.
func auditState(ctx context.Context, client *http.Client, base string, d *seen.Dir, verifiers note.Verifiers,
	latest translog.Checkpoint, latestNote []byte, p *auditProblems, out io.Writer) (func() error, error) {
	l, err := d.Log(latest.Origin, verifiers)
	if err != nil {
		return nil, exitError{code: 2, msg: err.Error()}
	}
	now := time.Now()
	against, ok, conflict, err := seen.Check(l, latest, latestNote, true, remoteProver(ctx, client, base))
	switch {
	case err != nil:
		p.add("%v", err)
	case conflict != nil:
		p.add("%s", writeConflict(d, conflict, base, now))
	case ok:
		fmt.Fprintf(out, "Remembered in %s: %d checkpoint(s) of this log, the newest of size %d seen on %s\n", d.Path(), len(l.Seen), against.Checkpoint.Size, seenOn(against.At))
	default:
		fmt.Fprintf(out, "Nothing remembered of log %s in %s yet: this audit starts its memory.\n", latest.Origin, d.Path())
	}
	// The registry must still serve every checkpoint it served: one now
	// missing or different is history taken back.
	for i, checked := len(l.Seen)-1, 0; i >= 0 && checked < maxRecheck; i, checked = i-1, checked+1 {
		s := l.Seen[i]
		if s.Checkpoint.Size == latest.Size {
			continue // just compared
		}
		c, err := recheck(ctx, client, base, verifiers, s, latest, latestNote)
		switch {
		case err != nil:
			p.add("%v", err)
		case c != nil:
			p.add("%s", writeConflict(d, c, base, now))
		}
	}
	return func() error {
		if _, ok := l.At(latest.Size); ok {
			return nil
		}
		if err := d.Remember(l, seen.Seen{Checkpoint: latest, Note: latestNote, At: now}); err != nil {
			return err
		}
		fmt.Fprintf(out, "Remembered checkpoint %d in %s.\n", latest.Size, d.Path())
		return nil
	}, nil
}

// recheck asks the registry again for its checkpoint of the size of s,
// which it served before: one now missing (newest is what it serves
// instead) or different is a conflict; an error says why it could not be
// checked.
func recheck(ctx context.Context, client *http.Client, base string, verifiers note.Verifiers, s seen.Seen, newest translog.Checkpoint, newestNote []byte) (*seen.Conflict, error) {
	status, b, err := fetch(ctx, client, http.MethodGet, base+"/api/v1/log/checkpoint/"+strconv.FormatInt(s.Checkpoint.Size, 10), nil)
	switch {
	case status == http.StatusNotFound:
		return &seen.Conflict{Kind: seen.Missing, Kept: s, Served: newest, ServedNote: newestNote, Detail: err.Error()}, nil
	case err != nil:
		return nil, fmt.Errorf("fetch the registry's checkpoint of size %d, seen on %s: %w", s.Checkpoint.Size, seenOn(s.At), err)
	}
	theirs, err := translog.OpenCheckpoint(b, verifiers)
	if err != nil {
		return nil, fmt.Errorf("the registry's checkpoint of size %d does not verify with its keys: %w", s.Checkpoint.Size, err)
	}
	if theirs != s.Checkpoint {
		return &seen.Conflict{Kind: seen.Fork, Kept: s, Served: theirs, ServedNote: b}, nil
	}
	return nil, nil
}

// verifyMemory is what `ikrar verify --online` remembers: the state
// directory at path, whose checkpoints verifiers (the --key file) verify.
type verifyMemory struct {
	path      string
	verifiers note.Verifiers
}

// check checks the checkpoint a record was proved against (cp, its signed
// note) against those seen before of its log, and remembers it if it
// agrees. A nil memory checks nothing.
func (m *verifyMemory) check(ctx context.Context, client *http.Client, base string, cp translog.Checkpoint, cpNote []byte, v *verdict) {
	if m == nil {
		return
	}
	const label, split = "INGATAN / MEMORY", "RIWAYAT BERCABANG / SPLIT VIEW"
	d, err := openState(m.path, v.out)
	if err != nil {
		v.fail(label, err.Error())
		return
	}
	defer d.Close()
	l, err := d.Log(cp.Origin, m.verifiers)
	if err != nil {
		v.fail(label, err.Error())
		return
	}
	now := time.Now()
	against, ok, conflict, err := seen.Check(l, cp, cpNote, false, remoteProver(ctx, client, base))
	switch {
	case err != nil:
		v.fail(label, fmt.Sprintf("tidak dapat memeriksa konsistensi dengan checkpoint yang pernah dilihat / could not check against the checkpoints seen before: %v", err))
		return
	case conflict != nil:
		msg := writeConflict(d, conflict, base, now)
		if conflict.Kind == seen.Inconsistent {
			// The registry's own copy of the size remembered, if it now
			// has another root, makes the fork provable by two signed
			// checkpoints alone.
			if fork, _ := recheck(ctx, client, base, m.verifiers, conflict.Kept, cp, cpNote); fork != nil && fork.Kind == seen.Fork {
				msg += "; " + writeConflict(d, fork, base, now)
			}
		}
		v.fail(split, "registri menyangkal riwayat yang pernah ditunjukkannya / the registry contradicts the history it showed before: "+msg)
		return
	}
	if err := d.Remember(l, seen.Seen{Checkpoint: cp, Note: cpNote, At: now}); err != nil {
		v.fail(label, err.Error())
		return
	}
	if !ok {
		v.pass(label, fmt.Sprintf("checkpoint pertama dari log ini; diingat di %s / the first checkpoint seen of this log; remembered in %s", d.Path(), d.Path()))
		return
	}
	n, at := against.Checkpoint.Size, seenOn(against.At)
	v.pass(label, fmt.Sprintf("konsisten dengan checkpoint berukuran %d yang dilihat pada %s / consistent with the checkpoint of size %d seen on %s", n, at, n, at))
}
