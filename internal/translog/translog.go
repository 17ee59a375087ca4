// Package translog holds ikrar's transparency-log primitives: the canonical
// leaf of a signature or revocation, appending to and proving a Merkle tree
// (RFC 6962 hashing via golang.org/x/mod/sumdb/tlog), signed checkpoints in
// the C2SP checkpoint format, the registry's signing keys, the signed claim a
// certificate's QR code carries, and the audit that recomputes the tree.
//
// The package stores nothing itself. A store keeps tlog's stored hashes in a
// table keyed by tlog's storage index (tlog.StoredHashIndex): a log of n
// leaves has exactly tlog.StoredHashCount(n) stored hashes at indexes
// 0..StoredHashCount(n)-1. To append leaf n it calls Append with a
// HashReader over that table and writes the returned hashes at indexes
// tlog.StoredHashIndex(0, n), tlog.StoredHashIndex(0, n)+1, … in the same
// transaction as the record, so the table never holds a partial append.
package translog

import (
	"fmt"

	"golang.org/x/mod/sumdb/tlog"
)

// Append returns the stored hashes that adding leaf as record n (the log
// holds n leaves before the call) creates. The store writes them, in order,
// starting at storage index tlog.StoredHashIndex(0, n). hr must serve every
// stored hash of the log of n leaves.
func Append(hr tlog.HashReader, n int64, leaf tlog.Hash) ([]tlog.Hash, error) {
	if n < 0 {
		return nil, fmt.Errorf("append leaf %d: negative index", n)
	}
	hashes, err := tlog.StoredHashesForRecordHash(n, leaf, hr)
	if err != nil {
		return nil, fmt.Errorf("append leaf %d: %w", n, err)
	}
	return hashes, nil
}

// TreeHash returns the root hash of the log's first n leaves.
func TreeHash(n int64, hr tlog.HashReader) (tlog.Hash, error) {
	h, err := tlog.TreeHash(n, hr)
	if err != nil {
		return tlog.Hash{}, fmt.Errorf("tree hash of size %d: %w", n, err)
	}
	return h, nil
}

// MemoryHashes is a whole stored-hash table in memory, indexed by tlog's
// storage index; tests and the auditor use it.
type MemoryHashes []tlog.Hash

// ReadHashes implements tlog.HashReader.
func (m MemoryHashes) ReadHashes(indexes []int64) ([]tlog.Hash, error) {
	out := make([]tlog.Hash, len(indexes))
	for i, x := range indexes {
		if x < 0 || x >= int64(len(m)) {
			return nil, fmt.Errorf("stored hash %d not in a table of %d", x, len(m))
		}
		out[i] = m[x]
	}
	return out, nil
}

// Add appends leaf as record n, which must be the next one: the table must
// hold exactly the stored hashes of a log of n leaves.
func (m *MemoryHashes) Add(n int64, leaf tlog.Hash) error {
	if want := tlog.StoredHashCount(n); int64(len(*m)) != want {
		return fmt.Errorf("add leaf %d: table holds %d stored hashes, want %d", n, len(*m), want)
	}
	hashes, err := Append(*m, n, leaf)
	if err != nil {
		return err
	}
	*m = append(*m, hashes...)
	return nil
}

// Rebuild computes every stored hash of the log whose leaves are given, in
// order.
func Rebuild(leaves []tlog.Hash) (MemoryHashes, error) {
	m := make(MemoryHashes, 0, tlog.StoredHashCount(int64(len(leaves))))
	for i, leaf := range leaves {
		if err := m.Add(int64(i), leaf); err != nil {
			return nil, fmt.Errorf("rebuild: %w", err)
		}
	}
	return m, nil
}
