package translog

import (
	"fmt"
	"sort"

	"golang.org/x/mod/sumdb/tlog"
)

// treeAudit recomputes a log leaf by leaf, in leaf order, and compares it
// as it goes with the stored tree and with the checkpoints. It keeps only
// the hashes of the complete subtrees on the tree's right edge (one per set
// bit of the size) and a batch of stored hashes, so a million leaves need
// no more memory than a hundred; the stored table is read in storage order,
// which is the order appending leaves creates its hashes in.
type treeAudit struct {
	stored     tlog.HashReader
	storedSize int64
	cps        []Checkpoint // distinct, by size
	matches    []bool       // cps[i] matches the recomputed tree
	nextCP     int          // the first checkpoint larger than the tree so far

	n     int64       // leaves added
	edge  []tlog.Hash // complete subtrees on the right edge, largest first
	batch []tlog.Hash // stored hashes from index batchStart on
	start int64

	leafFindings   []AuditFinding
	leafMismatches int
	omitted        int
	interior       *AuditFinding // the first differing interior stored hash
}

func newTreeAudit(stored tlog.HashReader, storedSize int64, checkpoints []Checkpoint) (*treeAudit, error) {
	if stored == nil {
		storedSize = 0
	}
	a := &treeAudit{stored: stored, storedSize: storedSize, cps: distinct(checkpoints)}
	a.matches = make([]bool, len(a.cps))
	if err := a.checkpointsAt(0); err != nil {
		return nil, err
	}
	return a, nil
}

// root is the tree hash of the leaves added so far: the right edge's
// subtrees combined from the right, as tlog.TreeHash does.
func (a *treeAudit) root() (tlog.Hash, error) {
	if len(a.edge) == 0 {
		return tlog.TreeHash(0, nil)
	}
	h := a.edge[len(a.edge)-1]
	for i := len(a.edge) - 2; i >= 0; i-- {
		h = tlog.NodeHash(a.edge[i], h)
	}
	return h, nil
}

// checkpointsAt compares the checkpoints of size n with the tree, which now
// has n leaves.
func (a *treeAudit) checkpointsAt(n int64) error {
	for ; a.nextCP < len(a.cps) && a.cps[a.nextCP].Size <= n; a.nextCP++ {
		if a.cps[a.nextCP].Size < n {
			continue // negative: Beyond cannot apply, and no tree matches
		}
		root, err := a.root()
		if err != nil {
			return err
		}
		a.matches[a.nextCP] = root == a.cps[a.nextCP].Root
	}
	return nil
}

// storedHash returns stored hash x, reading the table in batches in
// storage order; x never goes back beyond the current batch.
func (a *treeAudit) storedHash(x int64) (tlog.Hash, error) {
	if x < a.start || x >= a.start+int64(len(a.batch)) {
		count := tlog.StoredHashCount(a.storedSize)
		end := min(x+auditBatch, count)
		indexes := make([]int64, 0, end-x)
		for i := x; i < end; i++ {
			indexes = append(indexes, i)
		}
		hashes, err := readHashes(a.stored, indexes)
		if err != nil {
			return tlog.Hash{}, err
		}
		a.batch, a.start = hashes, x
	}
	return a.batch[x-a.start], nil
}

// storedLeaf returns the stored hash of leaf i, which must be the next leaf
// to add and be within the stored tree.
func (a *treeAudit) storedLeaf(i int64) (tlog.Hash, error) {
	return a.storedHash(tlog.StoredHashIndex(0, i))
}

// add appends the next leaf and compares the stored hashes appending it
// creates. It reports whether the stored leaf hash differs.
func (a *treeAudit) add(leaf tlog.Hash) (bool, error) {
	i := a.n
	h := leaf
	hashes := []tlog.Hash{h}
	for k := 0; i>>k&1 == 1; k++ {
		h = tlog.NodeHash(a.edge[len(a.edge)-1], h)
		a.edge = a.edge[:len(a.edge)-1]
		hashes = append(hashes, h)
	}
	a.edge = append(a.edge, h)
	a.n++
	differs := false
	if i < a.storedSize {
		x := tlog.StoredHashIndex(0, i)
		for k, h := range hashes {
			s, err := a.storedHash(x + int64(k))
			if err != nil {
				return false, err
			}
			if s == h {
				continue
			}
			if k == 0 {
				differs = true
				if a.leafMismatches++; a.leafMismatches <= maxLeafFindings {
					a.leafFindings = append(a.leafFindings, AuditFinding{Kind: FindingLeaf, Index: i})
				} else {
					a.omitted++
				}
				break // what is above a differing leaf differs too
			}
			if a.interior == nil {
				level, index := tlog.SplitStoredHashIndex(x + int64(k))
				a.interior = &AuditFinding{Kind: FindingStoredHash, Level: level, Index: index}
			}
		}
	}
	return differs, a.checkpointsAt(a.n)
}

// finish reports on the tree of the leaves added: its root, the stored
// tree's findings, then the checkpoints'.
func (a *treeAudit) finish() (*AuditReport, error) {
	n := a.n
	r := &AuditReport{Size: n, Checkpoints: len(a.cps), Omitted: a.omitted}
	var err error
	if r.Root, err = a.root(); err != nil {
		return nil, err
	}
	if a.stored != nil {
		if a.storedSize != n {
			r.add(AuditFinding{Kind: FindingCount, Size: n, Other: a.storedSize})
		}
		r.Findings = append(r.Findings, a.leafFindings...)
		// With the leaves equal, a differing interior hash means the table
		// itself was edited; one is proof enough, the rest follow from it.
		if a.leafMismatches == 0 && a.interior != nil {
			r.add(*a.interior)
		}
	}
	r.checkpointFindings(a.cps, n, a.matches)
	return r, nil
}

// RowAuditor audits a log from the rows that claim its leaves, streamed in
// leaf order, the way AuditRows does for rows in memory: memory stays that
// of a few rows and the tree's right edge whatever the log's size.
type RowAuditor struct {
	size        int64
	stored      tlog.HashReader
	storedSize  int64
	checkpoints []Checkpoint
	tree        *treeAudit
	out         *RowAudit

	last      int64 // the last row's index, to refuse rows out of order
	cur       int64 // the leaf whose rows are being collected
	group     []Row
	prevWhat  string // the first row of leaf cur-1, "" if none
	gap       int    // out.Rows index of a deleted leaf cur-1, or -1
	attribute []Row  // differing leaves to attribute, by index
}

// NewRowAuditor starts an audit of a log of size leaves; see AuditRows for
// the arguments.
func NewRowAuditor(size int64, stored tlog.HashReader, storedSize int64, checkpoints []Checkpoint) (*RowAuditor, error) {
	if size < 0 || storedSize < 0 || storedSize > size {
		return nil, fmt.Errorf("audit rows: log of %d leaves with a stored tree of %d", size, storedSize)
	}
	tree, err := newTreeAudit(stored, storedSize, checkpoints)
	if err != nil {
		return nil, err
	}
	return &RowAuditor{size: size, stored: stored, storedSize: storedSize, checkpoints: checkpoints, tree: tree,
		out: &RowAudit{}, last: -1 << 63, gap: -1}, nil
}

// Add audits the next row; rows come by leaf index, ascending.
func (a *RowAuditor) Add(r Row) error {
	if r.Index < a.last {
		return fmt.Errorf("audit rows: row for leaf %d after one for leaf %d", r.Index, a.last)
	}
	a.last = r.Index
	if r.Index < 0 || r.Index >= a.size {
		a.out.Rows = append(a.out.Rows, RowFinding{Problem: RowNotInLog, Index: r.Index, What: r.What, Size: a.size})
		return nil
	}
	if err := a.through(r.Index); err != nil {
		return err
	}
	a.group = append(a.group, r)
	return nil
}

// through audits every leaf before i.
func (a *RowAuditor) through(i int64) error {
	for a.cur < i {
		if err := a.leaf(); err != nil {
			return err
		}
	}
	return nil
}

// leaf audits leaf cur with the rows collected for it.
func (a *RowAuditor) leaf() error {
	i, rs := a.cur, a.group
	if len(rs) > 0 {
		a.closeGap(rs[0].What)
	} else {
		a.closeGap("")
	}
	var leaf tlog.Hash
	single := len(rs) == 1
	switch {
	case len(rs) == 0:
		a.gap = len(a.out.Rows)
		a.out.Rows = append(a.out.Rows, RowFinding{Problem: RowDeleted, Index: i, What: a.prevWhat})
	default:
		row := rs[0]
		if !single {
			var err error
			if row, err = a.duplicates(rs); err != nil {
				return err
			}
		}
		leaf = row.Leaf
		if !row.IdentityOK {
			a.out.Rows = append(a.out.Rows, RowFinding{Problem: RowIdentity, Index: i, What: row.What})
		}
		if row.HolderEdited {
			a.out.Rows = append(a.out.Rows, RowFinding{Problem: RowHolder, Index: i, What: row.What})
		}
	}
	differs, err := a.tree.add(leaf)
	if err != nil {
		return err
	}
	// A deleted leaf and duplicates are reported already; a differing leaf
	// beyond the report's limit is only counted.
	if differs && single && a.tree.leafMismatches <= maxLeafFindings {
		a.attribute = append(a.attribute, rs[0])
	}
	a.prevWhat = ""
	if len(rs) > 0 {
		a.prevWhat = rs[0].What
	}
	a.cur++
	a.group = a.group[:0]
	return nil
}

// closeGap completes the report of a deleted leaf just before the current
// one, which holds the row logged before it, with the row logged after it:
// the two narrow down which row was deleted.
func (a *RowAuditor) closeGap(after string) {
	if a.gap < 0 {
		return
	}
	f := &a.out.Rows[a.gap]
	before := f.What
	switch {
	case before != "" && after != "":
		f.What = fmt.Sprintf(" (logged between %s and %s)", before, after)
	case before != "":
		f.What = fmt.Sprintf(" (logged after %s)", before)
	case after != "":
		f.What = fmt.Sprintf(" (logged before %s)", after)
	}
	a.gap = -1
}

// duplicates reports the rows that claim one leaf but are not the row the
// log holds it for, and returns the row to audit the leaf with.
func (a *RowAuditor) duplicates(rs []Row) (Row, error) {
	i := rs[0].Index
	genuine := -1
	if i < a.tree.storedSize {
		logged, err := a.tree.storedLeaf(i)
		if err != nil {
			return Row{}, err
		}
		for j, row := range rs {
			if row.Leaf == logged {
				genuine = j
				break
			}
		}
	}
	if genuine < 0 {
		for _, row := range rs {
			a.out.Rows = append(a.out.Rows, RowFinding{Problem: RowDuplicate, Index: i, What: row.What})
		}
		return rs[0], nil
	}
	for j, row := range rs {
		if j != genuine {
			a.out.Rows = append(a.out.Rows, RowFinding{Problem: RowDuplicate, Index: i, What: row.What, Other: rs[genuine].What})
		}
	}
	return rs[genuine], nil
}

// Finish audits the leaves no row was added for and returns the audit.
func (a *RowAuditor) Finish() (*RowAudit, error) {
	if err := a.through(a.size); err != nil {
		return nil, err
	}
	a.closeGap("")
	report, err := a.tree.finish()
	if err != nil {
		return nil, err
	}
	a.out.AuditReport = report
	for _, f := range report.Findings {
		if f.Kind != FindingLeaf {
			a.out.Tree = append(a.out.Tree, f)
		}
	}
	for _, row := range a.attribute {
		rf, err := attribute(row, row.Index, a.stored, a.storedSize, a.checkpoints)
		if err != nil {
			return nil, err
		}
		a.out.Rows = append(a.out.Rows, rf)
	}
	sort.SliceStable(a.out.Rows, func(i, j int) bool { return a.out.Rows[i].Index < a.out.Rows[j].Index })
	return a.out, nil
}
