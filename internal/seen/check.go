package seen

import (
	"encoding/base64"
	"fmt"
	"strings"
	"time"

	"golang.org/x/mod/sumdb/tlog"

	"github.com/ikrar-id/ikrar/internal/translog"
)

// ConflictKind says how a served checkpoint contradicts what was seen.
type ConflictKind string

const (
	// Rollback: the registry's newest checkpoint is smaller than one it
	// served before.
	Rollback ConflictKind = "rollback"
	// Fork: a checkpoint of a size seen before, with another root.
	Fork ConflictKind = "fork"
	// Inconsistent: the consistency proof between a checkpoint seen and the
	// one served fails; the two trees are different histories.
	Inconsistent ConflictKind = "inconsistent"
	// Missing: the registry no longer serves a checkpoint of a size it
	// served before.
	Missing ConflictKind = "missing"
)

// Conflict is a served checkpoint that contradicts one seen before. Kept
// and Served are both signed by the registry's key: together (with Proof,
// for Inconsistent) they show the registry went back on what it said.
type Conflict struct {
	Kind       ConflictKind
	Kept       Seen
	Served     translog.Checkpoint
	ServedNote []byte      // nil for Missing when nothing was served
	Proof      []tlog.Hash // the failing consistency proof, for Inconsistent
	Detail     string      // what the registry answered, for Missing
}

func (c *Conflict) Error() string {
	k, s := c.Kept.Checkpoint, c.Served
	seen := c.Kept.At.UTC().Format(time.DateOnly)
	switch c.Kind {
	case Rollback:
		return fmt.Sprintf("rollback: the registry's newest checkpoint has %d leaves, but it served one of %d leaves (seen %s): history was rolled back", s.Size, k.Size, seen)
	case Fork:
		return fmt.Sprintf("fork: the registry serves a checkpoint of size %d with root %s, but the one of that size seen %s has root %s: two histories signed with one key", s.Size, s.Root, seen, k.Root)
	case Inconsistent:
		small, big := k, s
		if s.Size < k.Size {
			small, big = s, k
		}
		return fmt.Sprintf("fork: the checkpoint of size %d is not a prefix of the checkpoint of size %d (one seen %s, one served now; the consistency proof fails): history was rewritten", small.Size, big.Size, seen)
	case Missing:
		return fmt.Sprintf("missing: the registry no longer serves its checkpoint of size %d (seen %s; it answers %s)", k.Size, seen, c.Detail)
	}
	return string(c.Kind)
}

// Report is the evidence's report: what was found, where, both
// checkpoints as parsed and the proof, so the files can be checked without
// the registry.
func (c *Conflict) Report(registry string, now time.Time) string {
	var b strings.Builder
	fmt.Fprintf(&b, "ikrar: %s\n\n", c.Error())
	fmt.Fprintf(&b, "registry: %s\nchecked:  %s\n", registry, now.UTC().Format(time.RFC3339))
	k := c.Kept.Checkpoint
	fmt.Fprintf(&b, "kept:     log %s, size %d, root %s, first seen %s (the -kept.checkpoint file)\n", k.Origin, k.Size, k.Root, c.Kept.At.UTC().Format(time.RFC3339))
	if c.ServedNote != nil {
		s := c.Served
		fmt.Fprintf(&b, "served:   log %s, size %d, root %s (the -served.checkpoint file)\n", s.Origin, s.Size, s.Root)
	}
	if c.Detail != "" {
		fmt.Fprintf(&b, "answer:   %s\n", c.Detail)
	}
	if c.Kind == Inconsistent {
		fmt.Fprintf(&b, "\nconsistency proof the registry served, which fails between the two roots (%d hashes):\n", len(c.Proof))
		for _, h := range c.Proof {
			fmt.Fprintf(&b, "%s\n", base64.StdEncoding.EncodeToString(h[:]))
		}
	}
	b.WriteString("\nBoth checkpoint files are signed notes (C2SP signed-note); check them with the registry's verifier key.\n")
	return b.String()
}

// Prover fetches from the registry a proof that the tree of size from is
// a prefix of the tree of size to. An error means no proof was had (the
// network, a refusal), not that one failed.
type Prover func(from, to int64) ([]tlog.Hash, error)

// Check checks the served checkpoint, verified by the caller, against what
// was seen of its log. newest says served is the registry's newest: one
// smaller than a checkpoint seen is then a rollback; otherwise (a record
// proved against an older checkpoint) it only has to be consistent. It
// returns the checkpoint it was checked against (false on a first sight),
// or the conflict, or an error when a proof could not be had.
func Check(l *Log, served translog.Checkpoint, servedNote []byte, newest bool, prove Prover) (Seen, bool, *Conflict, error) {
	latest, ok := l.Latest()
	if !ok {
		return Seen{}, false, nil, nil
	}
	if same, ok := l.At(served.Size); ok {
		if same.Checkpoint.Root != served.Root {
			return Seen{}, false, &Conflict{Kind: Fork, Kept: same, Served: served, ServedNote: servedNote}, nil
		}
		if !newest || same.Checkpoint.Size == latest.Checkpoint.Size {
			return same, true, nil, nil
		}
	}
	k := latest.Checkpoint
	switch {
	case served.Size == k.Size:
		return latest, true, nil, nil // the same root, or At above had found the fork
	case served.Size < k.Size && newest:
		return Seen{}, false, &Conflict{Kind: Rollback, Kept: latest, Served: served, ServedNote: servedNote}, nil
	}
	from, to := k, served
	if served.Size < k.Size {
		from, to = served, k
	}
	proof, err := prove(from.Size, to.Size)
	if err != nil {
		return Seen{}, false, nil, err
	}
	if err := translog.CheckConsistency(proof, to.Size, to.Root, from.Size, from.Root); err != nil {
		return Seen{}, false, &Conflict{Kind: Inconsistent, Kept: latest, Served: served, ServedNote: servedNote, Proof: proof}, nil
	}
	return latest, true, nil, nil
}
