package translog

import (
	"fmt"
	"sort"

	"golang.org/x/mod/sumdb/tlog"
)

// Row is a database row that claims a leaf of the log, as an auditor sees
// it: the leaf recomputed from the row's columns, and how to name the row
// in a report.
type Row struct {
	Index int64     // the leaf index the row claims
	What  string    // e.g. "signature 12 (certificate K7M4QX2P9ABC)"
	Leaf  tlog.Hash // the hash of the entry rebuilt from the row
	// IdentityOK is false when the row's name or NIP no longer match its
	// identity hash; the leaf can still match, since it holds only the hash.
	IdentityOK bool
	// HolderEdited is true when the row's position, rank or unit no longer
	// match its holder hash (leaf version 2).
	HolderEdited bool
}

// RowProblem says what is wrong with a row, or with a leaf no row claims.
type RowProblem string

const (
	// RowNotInLog: the row claims a leaf index the log does not have; it
	// was inserted out of band (or the log's tail was cut off).
	RowNotInLog RowProblem = "not_in_log"
	// RowDuplicate: the row claims a leaf that the log holds for another
	// row (Other); it was inserted out of band.
	RowDuplicate RowProblem = "duplicate"
	// RowDeleted: no row claims leaf Index; a row was deleted.
	RowDeleted RowProblem = "deleted"
	// RowIdentity: the row's name or NIP was edited; its identity hash, and
	// so its leaf, still has the signer's original data.
	RowIdentity RowProblem = "identity"
	// RowHolder: the row's position, rank or unit was edited; its holder
	// hash, and so its leaf, still has what was signed.
	RowHolder RowProblem = "holder"
	// RowEdited: the row differs from leaf Index as logged, and checkpoint
	// Size proves the logged leaf is the one the registry signed.
	RowEdited RowProblem = "edited"
	// RowStoredLeaf: the stored hash of leaf Index was edited; the row
	// matches what checkpoint Size signed.
	RowStoredLeaf RowProblem = "stored_leaf"
	// RowUnproven: the row differs from the stored hash of leaf Index and
	// no signed checkpoint can tell which of the two was edited: none
	// covers the leaf, or the stored tree around it was rewritten too.
	RowUnproven RowProblem = "unproven"
)

// RowFinding is one row-level problem an audit found.
type RowFinding struct {
	Problem RowProblem
	Index   int64  // the leaf index
	What    string // the row; for RowDeleted, the rows logged around the gap
	Other   string // RowDuplicate: the row the log holds the leaf for
	Size    int64  // RowNotInLog: the log's size; RowEdited, RowStoredLeaf: the checkpoint's
}

func (f RowFinding) String() string {
	switch f.Problem {
	case RowNotInLog:
		if f.Index < 0 {
			return fmt.Sprintf("%s: has no leaf in the log (leaf index %d): row inserted out of band", f.What, f.Index)
		}
		return fmt.Sprintf("%s: claims leaf %d, but the log has %d leaves: row inserted out of band", f.What, f.Index, f.Size)
	case RowDuplicate:
		if f.Other == "" {
			return fmt.Sprintf("%s: claims leaf %d together with another row, and neither matches the logged leaf: row inserted or edited out of band", f.What, f.Index)
		}
		return fmt.Sprintf("%s: claims leaf %d, which the log holds for %s: row inserted out of band", f.What, f.Index, f.Other)
	case RowDeleted:
		return fmt.Sprintf("leaf %d: no row claims it: a signature, revocation or issuance row was deleted out of band%s", f.Index, f.What)
	case RowIdentity:
		return fmt.Sprintf("%s: name or NIP edited out of band: they no longer match the identity hash in leaf %d", f.What, f.Index)
	case RowHolder:
		return fmt.Sprintf("%s: position, rank or unit edited out of band: they no longer match the holder hash in leaf %d", f.What, f.Index)
	case RowEdited:
		return fmt.Sprintf("%s: row edited out of band: it no longer matches leaf %d as logged and signed in checkpoint %d", f.What, f.Index, f.Size)
	case RowStoredLeaf:
		return fmt.Sprintf("leaf %d (%s): its stored hash in log_hashes was edited out of band; the row still matches checkpoint %d", f.Index, f.What, f.Size)
	case RowUnproven:
		return fmt.Sprintf("%s: row or the stored hash of its leaf %d edited out of band (no signed checkpoint tells which)", f.What, f.Index)
	}
	return fmt.Sprintf("%s: %s at leaf %d", f.What, f.Problem, f.Index)
}

// RowAudit is the outcome of AuditRows: Audit's report on the tree, with
// the leaf findings turned into findings about rows.
type RowAudit struct {
	*AuditReport
	Rows []RowFinding // by leaf index
	// Tree holds the report's findings that are not about one leaf:
	// the stored tree's shape and interior hashes, and the checkpoints.
	Tree []AuditFinding
}

// OK reports whether the audit found nothing wrong.
func (r *RowAudit) OK() bool { return len(r.Rows) == 0 && len(r.Tree) == 0 }

// AuditRows audits a log from the rows that claim its leaves. size is the
// number of leaves the log says it has; stored serves its stored hashes for
// the first storedSize leaves (normally size); checkpoints are the signed
// checkpoints, already verified. Every row must claim exactly one leaf of
// [0, size) and every leaf must be claimed by one row whose recomputed leaf
// equals the stored one. Where a row and its stored leaf differ, an
// inclusion proof of each against a signed checkpoint tells which was
// edited.
func AuditRows(rows []Row, size int64, stored tlog.HashReader, storedSize int64, checkpoints []Checkpoint) (*RowAudit, error) {
	a, err := NewRowAuditor(size, stored, storedSize, checkpoints)
	if err != nil {
		return nil, err
	}
	rows = append([]Row(nil), rows...)
	sort.SliceStable(rows, func(i, j int) bool { return rows[i].Index < rows[j].Index })
	for _, r := range rows {
		if err := a.Add(r); err != nil {
			return nil, err
		}
	}
	return a.Finish()
}

// attribute decides whether a row or its stored leaf hash was edited, by
// proving each against signed checkpoints through the stored tree: the
// proof's other hashes come from the rest of the tree, so an edit of one
// row or one stored leaf shows in that leaf alone.
func attribute(row Row, i int64, stored tlog.HashReader, storedSize int64, checkpoints []Checkpoint) (RowFinding, error) {
	f := RowFinding{Problem: RowUnproven, Index: i, What: row.What}
	var covering []Checkpoint
	for _, c := range distinct(checkpoints) {
		if c.Size > i && c.Size <= storedSize {
			covering = append(covering, c)
		}
	}
	if len(covering) == 0 {
		return f, nil
	}
	hs, err := readHashes(stored, []int64{tlog.StoredHashIndex(0, i)})
	if err != nil {
		return f, err
	}
	logged := hs[0]
	// The smallest and the largest are enough: each alone settles it
	// unless the stored tree around the leaf was rewritten as well.
	for _, c := range []Checkpoint{covering[0], covering[len(covering)-1]} {
		proof, err := InclusionProof(i, c.Size, stored)
		if err != nil {
			return f, err
		}
		if CheckInclusion(proof, c.Size, c.Root, i, row.Leaf) == nil {
			return RowFinding{Problem: RowStoredLeaf, Index: i, What: row.What, Size: c.Size}, nil
		}
		if CheckInclusion(proof, c.Size, c.Root, i, logged) == nil {
			return RowFinding{Problem: RowEdited, Index: i, What: row.What, Size: c.Size}, nil
		}
	}
	return f, nil
}
