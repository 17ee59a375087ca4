package translog

import (
	"encoding/base64"
	"fmt"
	"strings"

	"golang.org/x/mod/sumdb/tlog"
)

// InclusionProof proves that leaf index is in the tree of the first size
// leaves.
func InclusionProof(index, size int64, hr tlog.HashReader) (tlog.RecordProof, error) {
	if index < 0 || index >= size {
		return nil, fmt.Errorf("inclusion proof: leaf %d is not in a tree of size %d", index, size)
	}
	p, err := tlog.ProveRecord(size, index, hr)
	if err != nil {
		return nil, fmt.Errorf("inclusion proof of leaf %d in size %d: %w", index, size, err)
	}
	return p, nil
}

// CheckInclusion verifies that leaf is leaf index of the tree of size
// leaves whose root is root.
func CheckInclusion(proof tlog.RecordProof, size int64, root tlog.Hash, index int64, leaf tlog.Hash) error {
	if err := tlog.CheckRecord(proof, size, root, index, leaf); err != nil {
		return fmt.Errorf("leaf %d in tree of size %d: %w", index, size, err)
	}
	return nil
}

// ConsistencyProof proves that the tree of the first from leaves is a prefix
// of the tree of the first to leaves. The empty tree is a prefix of every
// tree, with an empty proof.
func ConsistencyProof(from, to int64, hr tlog.HashReader) (tlog.TreeProof, error) {
	if from < 0 || from > to {
		return nil, fmt.Errorf("consistency proof: size %d is not a prefix of size %d", from, to)
	}
	if from == 0 {
		return tlog.TreeProof{}, nil
	}
	p, err := tlog.ProveTree(to, from, hr)
	if err != nil {
		return nil, fmt.Errorf("consistency proof from %d to %d: %w", from, to, err)
	}
	return p, nil
}

// CheckConsistency verifies that the tree of size from with root rootFrom is
// a prefix of the tree of size to with root rootTo.
func CheckConsistency(proof tlog.TreeProof, to int64, rootTo tlog.Hash, from int64, rootFrom tlog.Hash) error {
	if from == 0 && to >= 0 {
		if empty, _ := tlog.TreeHash(0, nil); len(proof) != 0 || rootFrom != empty {
			return fmt.Errorf("tree of size 0 against size %d: not the empty tree", to)
		}
		return nil
	}
	if err := tlog.CheckTree(proof, to, rootTo, from, rootFrom); err != nil {
		return fmt.Errorf("tree of size %d against size %d: %w", from, to, err)
	}
	return nil
}

// EncodeProof writes a proof for the API: each hash in standard base64 on a
// line of its own, each line ending in a newline. An empty proof is "".
func EncodeProof(hashes []tlog.Hash) string {
	var b strings.Builder
	b.Grow(len(hashes) * 45)
	for _, h := range hashes {
		b.WriteString(base64.StdEncoding.EncodeToString(h[:]))
		b.WriteByte('\n')
	}
	return b.String()
}

// maxProofHashes bounds a decoded proof: a proof in a tree of 2^63 leaves
// has fewer than 2×63 hashes.
const maxProofHashes = 128

// DecodeProof reads what EncodeProof wrote; the last newline may be
// missing.
func DecodeProof(text string) ([]tlog.Hash, error) {
	text = strings.TrimSuffix(text, "\n")
	if text == "" {
		return nil, nil
	}
	lines := strings.Split(text, "\n")
	if len(lines) > maxProofHashes {
		return nil, fmt.Errorf("proof: %d hashes, at most %d", len(lines), maxProofHashes)
	}
	hashes := make([]tlog.Hash, len(lines))
	for i, line := range lines {
		b, err := base64.StdEncoding.Strict().DecodeString(line)
		if err != nil || len(b) != tlog.HashSize {
			return nil, fmt.Errorf("proof line %d: %q is not a base64 hash", i+1, line)
		}
		copy(hashes[i][:], b)
	}
	return hashes, nil
}
