package web

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v5"
	"golang.org/x/mod/sumdb/tlog"

	"github.com/ikrar-id/ikrar/internal/registry"
	"github.com/ikrar-id/ikrar/internal/translog"
)

// LogStore is what the log endpoints read.
type LogStore interface {
	LogSize(ctx context.Context) (int64, error)
	HashReader(ctx context.Context) tlog.HashReader
	LatestCheckpoint(ctx context.Context) (translog.SignedCheckpoint, error)
	CheckpointAt(ctx context.Context, size int64) (translog.SignedCheckpoint, error)
	// RevokedCodes lists the certificates revoked by a leaf below size,
	// and fails unless the rows account for every leaf from from to size.
	RevokedCodes(ctx context.Context, from, size int64) ([]string, error)
	// LeafEntries rebuilds the entries of leaves [from, to) from their
	// rows, and fails unless one row claims each.
	LeafEntries(ctx context.Context, from, to int64) ([]translog.Entry, error)
}

// Transparency bundles the registry's log, keys and checkpointer.
type Transparency struct {
	Store        LogStore
	Keys         *translog.Keyring
	Checkpointer *translog.Checkpointer
	// Witness, if set, serves POST /log/witness/add-checkpoint for the
	// logs this registry witnesses.
	Witness *translog.Witness
	// Cosigned, if set, holds the latest checkpoint with the witness
	// cosignatures gathered for it, which the checkpoint routes serve.
	Cosigned *translog.Submitter
	// Witnesses and Quorum are the witnesses this log's checkpoints must
	// carry, for the verification page and /api/v1/log/witnesses.
	Witnesses []*translog.CosignatureVerifier
	Quorum    int
}

// claimHost is the host v2 claims bind; New has checked the base URL.
func (s *Server) claimHost() string {
	h, _ := translog.ClaimHost(s.opt.BaseURL)
	return h
}

// apiLogKey serves the verifier keys, one per line; with ?windows=1 each
// line also says when the key may sign ("not-before T not-after T"), which
// a key file parser that expects bare keys would not accept.
func (s *Server) apiLogKey(c *echo.Context) error {
	c.Response().Header().Set(echo.HeaderCacheControl, "public, max-age=300")
	if c.QueryParam("windows") == "1" {
		var b strings.Builder
		for _, k := range s.tl.Keys.PublishedKeys() {
			fmt.Fprintf(&b, "%s %s\n", k.Verifier, k.Window)
		}
		return c.String(http.StatusOK, b.String())
	}
	return c.String(http.StatusOK, strings.Join(s.tl.Keys.VerifierKeys(), "\n")+"\n")
}

// checkpointWait bounds how long a look-up waits for the checkpointer to
// sign a checkpoint covering a record committed a moment ago: it signs at
// once when the log was idle, at most every MinInterval (2 s) under load.
const checkpointWait = 3 * time.Second

// latestCheckpoint returns the latest signed checkpoint, waiting a moment
// for one that covers leaf index need (need < 0: none). The read path
// never signs or stores a checkpoint: the checkpointer's Run does.
func (s *Server) latestCheckpoint(ctx context.Context, need int64) (translog.SignedCheckpoint, error) {
	cp, err := s.tl.Checkpointer.Latest(ctx, need, cmp.Or(s.opt.CheckpointWait, checkpointWait))
	if errors.Is(err, translog.ErrNoCheckpoint) {
		return cp, registry.Errorf(registry.EBUSY, "Log transparansi belum memiliki checkpoint yang ditandatangani. Coba lagi sebentar lagi.")
	}
	if err == nil && s.tl.Cosigned != nil {
		// The same checkpoint with the witnesses' cosignatures gathered so
		// far; until they come, the log's signature alone.
		if l, ok := s.tl.Cosigned.Latest(); ok && l.Size == cp.Size && l.Root == cp.Root {
			cp = l
		}
	}
	return cp, err
}

// logHead is the index of the log's last leaf now: a client asking for the
// latest checkpoint gets one covering the log as it was when it asked,
// after at most checkpointWait.
func (s *Server) logHead(ctx context.Context) int64 {
	n, err := s.tl.Checkpointer.Store.LogSize(ctx)
	if err != nil {
		return -1
	}
	return n - 1
}

func (s *Server) apiCheckpoint(c *echo.Context) error {
	ctx := c.Request().Context()
	cp, err := s.latestCheckpoint(ctx, s.logHead(ctx))
	if err != nil {
		return err
	}
	c.Response().Header().Set(echo.HeaderCacheControl, "no-cache")
	return c.Blob(http.StatusOK, "text/plain; charset=utf-8", cp.Note)
}

func int64Param(v, name string) (int64, error) {
	n, err := strconv.ParseInt(v, 10, 64)
	if err != nil || n < 0 {
		return 0, registry.Errorf(registry.EINVALID, "Parameter %s harus bilangan bulat tidak negatif.", name)
	}
	return n, nil
}

func (s *Server) apiCheckpointAt(c *echo.Context) error {
	size, err := int64Param(c.Param("size"), "size")
	if err != nil {
		return err
	}
	cp, err := s.tl.Store.CheckpointAt(c.Request().Context(), size)
	if registry.IsCode(err, registry.ENOTFOUND) {
		return registry.Errorf(registry.ENOTFOUND, "Tidak ada checkpoint untuk ukuran log %d.", size)
	}
	if err != nil {
		return err
	}
	c.Response().Header().Set(echo.HeaderCacheControl, "public, max-age=31536000, immutable")
	return c.Blob(http.StatusOK, "text/plain; charset=utf-8", cp.Note)
}

type proofJSON struct {
	Index int64    `json:"index,omitempty"`
	From  int64    `json:"from,omitempty"`
	Size  int64    `json:"size"`
	Root  string   `json:"root"`
	Proof []string `json:"proof"`
}

func hashStrings(hs []tlog.Hash) []string {
	out := make([]string, len(hs))
	for i, h := range hs {
		out[i] = h.String()
	}
	return out
}

func (s *Server) apiInclusionProof(c *echo.Context) error {
	ctx := c.Request().Context()
	index, err := int64Param(c.QueryParam("index"), "index")
	if err != nil {
		return err
	}
	size, err := int64Param(c.QueryParam("size"), "size")
	if err != nil {
		return err
	}
	n, err := s.tl.Store.LogSize(ctx)
	if err != nil {
		return err
	}
	if size > n || index >= size {
		return registry.Errorf(registry.EINVALID, "Harus index < size ≤ %d (ukuran log saat ini).", n)
	}
	hr := s.tl.Store.HashReader(ctx)
	proof, err := translog.InclusionProof(index, size, hr)
	if err != nil {
		return err
	}
	root, err := translog.TreeHash(size, hr)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, proofJSON{Index: index, Size: size, Root: root.String(), Proof: hashStrings(proof)})
}

func (s *Server) apiConsistencyProof(c *echo.Context) error {
	ctx := c.Request().Context()
	from, err := int64Param(c.QueryParam("from"), "from")
	if err != nil {
		return err
	}
	to, err := int64Param(c.QueryParam("to"), "to")
	if err != nil {
		return err
	}
	n, err := s.tl.Store.LogSize(ctx)
	if err != nil {
		return err
	}
	if to > n || from > to {
		return registry.Errorf(registry.EINVALID, "Harus from ≤ to ≤ %d (ukuran log saat ini).", n)
	}
	hr := s.tl.Store.HashReader(ctx)
	proof, err := translog.ConsistencyProof(from, to, hr)
	if err != nil {
		return err
	}
	root, err := translog.TreeHash(to, hr)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, proofJSON{From: from, Size: to, Root: root.String(), Proof: hashStrings(proof)})
}

// logProof is a record's inclusion in the log, computed and checked.
type logProof struct {
	LeafIndex int64  `json:"leaf_index"`
	LeafHash  string `json:"leaf_hash"`
	// LeafPreimage is the leaf's exact bytes (base64), recomputed from the
	// record: SHA-256(0x00 || bytes) is LeafHash (docs/FORMATS.md §4).
	LeafPreimage []byte `json:"leaf_preimage,omitempty"`
	LeafVersion  int    `json:"leaf_version"`
	TreeSize     int64  `json:"checkpoint_size"`
	Root         string `json:"checkpoint_root"`
	Checkpoint   string `json:"checkpoint"`
	Verified     bool   `json:"inclusion_verified"`
	Problem      string `json:"problem,omitempty"`
	// RevocationLeaf is the index of the revocation's leaf, if any.
	RevocationLeaf *int64 `json:"revocation_leaf_index,omitempty"`
	// HolderPreimage is the holder commitment's preimage (base64) of a
	// version 2 record not erased: its SHA-256 is the leaf's holder.
	HolderPreimage []byte `json:"holder_preimage,omitempty"`
	// Issuance is the leaf of the record's issued certificate, if logged.
	Issuance *leafRef `json:"issuance,omitempty"`
	// revocation is the revocation's leaf; the API shows it as
	// revocation.log.
	revocation *leafRef
}

// leafRef is a leaf other than the record's: where it is, its hash and its
// exact bytes (base64), from which anyone recomputes the hash.
type leafRef struct {
	Index    int64  `json:"index"`
	LeafHash string `json:"leaf_hash"`
	Preimage []byte `json:"preimage,omitempty"` // withheld for an erased record's issuance
	Version  int    `json:"leaf_version"`
}

// checkpointVerifies checks a checkpoint's signature with the published
// keys, once per checkpoint: every verification page shows the same one.
func (s *Server) checkpointVerifies(cp translog.SignedCheckpoint) bool {
	if v := s.verifiedCP.Load(); v != nil && v.Size == cp.Size && string(v.Note) == string(cp.Note) {
		return true
	}
	opened, err := translog.OpenCheckpoint(cp.Note, s.tl.Keys.Verifiers())
	if err != nil || opened.Size != cp.Size || opened.Root != cp.Root {
		return false
	}
	s.verifiedCP.Store(&cp)
	return true
}
