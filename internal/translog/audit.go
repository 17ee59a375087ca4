package translog

import (
	"fmt"
	"sort"

	"golang.org/x/mod/sumdb/tlog"
)

// FindingKind says what an audit found wrong.
type FindingKind string

const (
	// FindingLeaf: the leaf recomputed from record Index differs from the
	// stored leaf hash; the record or the stored tree was altered.
	FindingLeaf FindingKind = "leaf"
	// FindingCount: the database has Size leaves but the stored tree Other.
	FindingCount FindingKind = "count"
	// FindingStoredHash: the stored tree's hash at Level, Index is not the
	// hash of the stored hashes below it.
	FindingStoredHash FindingKind = "stored_hash"
	// FindingBeyond: a checkpoint of Size leaves was signed but the log has
	// only Other; records were removed.
	FindingBeyond FindingKind = "beyond"
	// FindingRoot: the checkpoint of Size leaves does not match the tree
	// recomputed from the database.
	FindingRoot FindingKind = "root"
	// FindingFork: two signed checkpoints of Size leaves have different
	// roots; the log showed different histories to different people.
	FindingFork FindingKind = "fork"
	// FindingInconsistent: the checkpoint of Size leaves is not a prefix of
	// the (recomputed and matching) checkpoint of Other leaves; history was
	// rewritten between the two.
	FindingInconsistent FindingKind = "inconsistent"
)

// AuditFinding is one thing an audit found wrong. Which fields are set
// depends on Kind; see the FindingKind constants.
type AuditFinding struct {
	Kind  FindingKind
	Index int64
	Level int
	Size  int64
	Other int64
}

func (f AuditFinding) String() string {
	switch f.Kind {
	case FindingLeaf:
		return fmt.Sprintf("leaf %d differs", f.Index)
	case FindingCount:
		return fmt.Sprintf("the database has %d leaves, the stored tree %d", f.Size, f.Other)
	case FindingStoredHash:
		return fmt.Sprintf("stored hash at level %d, index %d differs", f.Level, f.Index)
	case FindingBeyond:
		return fmt.Sprintf("checkpoint size %d is beyond the log's %d leaves", f.Size, f.Other)
	case FindingRoot:
		return fmt.Sprintf("checkpoint size %d root mismatch", f.Size)
	case FindingFork:
		return fmt.Sprintf("fork: two checkpoints of size %d with different roots", f.Size)
	case FindingInconsistent:
		return fmt.Sprintf("checkpoint %d not consistent with %d", f.Size, f.Other)
	}
	return fmt.Sprintf("%s finding: index %d, level %d, size %d, other %d", f.Kind, f.Index, f.Level, f.Size, f.Other)
}

// AuditReport is the outcome of an audit.
type AuditReport struct {
	Size        int64     // leaves recomputed from the database
	Root        tlog.Hash // their tree's root
	Checkpoints int       // distinct checkpoints checked
	Findings    []AuditFinding
	Omitted     int // differing leaves beyond maxLeafFindings, not listed
}

// OK reports whether the audit found nothing wrong.
func (r *AuditReport) OK() bool { return len(r.Findings) == 0 }

// maxLeafFindings bounds how many differing leaves a report lists, so a
// wholesale change does not drown the rest.
const maxLeafFindings = 100

// auditBatch is how many stored hashes Audit reads at once.
const auditBatch = 4096

// Audit checks the log recomputed from the database against the stored tree
// and against signed checkpoints (whose signatures the caller verified).
// leaves[i] is the hash of the Entry rebuilt from the row with leaf index i;
// a missing row is passed as the zero Hash, so it shows as a differing leaf.
// stored serves the store's stored hashes of a log of storedSize leaves; a
// nil stored skips that comparison (a remote auditor has no table). The error
// is for failing to read stored hashes; everything wrong with the log is a
// finding.
func Audit(leaves []tlog.Hash, stored tlog.HashReader, storedSize int64, checkpoints []Checkpoint) (*AuditReport, error) {
	a, err := newTreeAudit(stored, storedSize, checkpoints)
	if err != nil {
		return nil, err
	}
	for _, leaf := range leaves {
		if _, err := a.add(leaf); err != nil {
			return nil, err
		}
	}
	return a.finish()
}

func (r *AuditReport) add(f AuditFinding) { r.Findings = append(r.Findings, f) }

func readHashes(hr tlog.HashReader, indexes []int64) ([]tlog.Hash, error) {
	hashes, err := hr.ReadHashes(indexes)
	if err != nil {
		return nil, fmt.Errorf("audit: read stored hashes: %w", err)
	}
	if len(hashes) != len(indexes) {
		return nil, fmt.Errorf("audit: read %d stored hashes, want %d", len(hashes), len(indexes))
	}
	return hashes, nil
}

// checkpointFindings compares the checkpoints (distinct, by size) with the
// recomputed tree of n leaves, whose roots matches says they match, and
// with each other.
func (r *AuditReport) checkpointFindings(cps []Checkpoint, n int64, matches []bool) {
	for _, f := range Forks(cps) {
		r.add(f)
	}
	// A checkpoint that matches the recomputed tree pins every smaller tree:
	// its prefixes are the recomputed ones. So a smaller checkpoint that does
	// not match is inconsistent with it, not just with the database.
	for i, c := range cps {
		switch {
		case c.Size > n:
			r.add(AuditFinding{Kind: FindingBeyond, Size: c.Size, Other: n})
		case !matches[i]:
			f := AuditFinding{Kind: FindingRoot, Size: c.Size}
			for j := i + 1; j < len(cps); j++ {
				if matches[j] && cps[j].Size > c.Size {
					f = AuditFinding{Kind: FindingInconsistent, Size: c.Size, Other: cps[j].Size}
					break
				}
			}
			r.add(f)
		}
	}
}

// Forks finds pairs of checkpoints of one size with different roots. It
// needs no database: a remote auditor that collects signed checkpoints can
// run it alone.
func Forks(checkpoints []Checkpoint) []AuditFinding {
	var out []AuditFinding
	cps := distinct(checkpoints)
	for i := 1; i < len(cps); i++ {
		if cps[i].Size == cps[i-1].Size && (i < 2 || cps[i-2].Size != cps[i].Size) {
			out = append(out, AuditFinding{Kind: FindingFork, Size: cps[i].Size})
		}
	}
	return out
}

// distinct returns the checkpoints sorted by size, then root, without
// repeats. All are of one log: the caller opened them with the log's keys,
// whose name is the origin.
func distinct(checkpoints []Checkpoint) []Checkpoint {
	cps := append([]Checkpoint(nil), checkpoints...)
	sort.Slice(cps, func(i, j int) bool {
		if cps[i].Size != cps[j].Size {
			return cps[i].Size < cps[j].Size
		}
		return string(cps[i].Root[:]) < string(cps[j].Root[:])
	})
	out := cps[:0]
	for i, c := range cps {
		if i == 0 || c.Size != cps[i-1].Size || c.Root != cps[i-1].Root {
			out = append(out, c)
		}
	}
	return out
}
