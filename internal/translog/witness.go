package translog

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"golang.org/x/mod/sumdb/note"
	"golang.org/x/mod/sumdb/tlog"
)

// Witness cosigns the checkpoints of other logs (c2sp.org/tlog-witness):
// for each log it knows, it keeps the size and root of the latest
// checkpoint it cosigned and cosigns a new one only with a proof that it
// extends that one. A log that shows two histories cannot have both
// cosigned by the same witness.
type Witness struct {
	Key   *Cosigner
	Logs  map[string]note.Verifiers // by origin
	Store WitnessStore
}

// WitnessState is what a witness keeps of one log.
type WitnessState struct {
	Size int64
	Root tlog.Hash
}

// WitnessStore keeps a witness's state per log. Advance runs check on the
// state of origin (the zero state, size 0, if none is kept) and, if check
// returns nil, stores next, all in one transaction: two concurrent
// submissions cannot both advance from the same state.
type WitnessStore interface {
	AdvanceWitnessed(ctx context.Context, origin string, check func(cur WitnessState) error, next WitnessState) error
	Witnessed(ctx context.Context, origin string) (WitnessState, bool, error)
}

// WitnessFault is why a witness refused a checkpoint; each maps to the
// HTTP status c2sp.org/tlog-witness names.
type WitnessFault int

const (
	WitnessMalformed  WitnessFault = iota + 1 // 400
	WitnessUnknownLog                         // 404
	WitnessBadSig                             // 403
	WitnessConflict                           // 409, with the witness's size
	WitnessBadProof                           // 422
)

// WitnessRefusal is a refused add-checkpoint request. Size is the size of
// the latest cosigned checkpoint, which a WitnessConflict answer carries.
type WitnessRefusal struct {
	Fault  WitnessFault
	Size   int64
	Reason string
}

func (e *WitnessRefusal) Error() string { return "witness: " + e.Reason }

func refuse(f WitnessFault, format string, args ...any) error {
	return &WitnessRefusal{Fault: f, Reason: fmt.Sprintf(format, args...)}
}

// MaxWitnessRequest bounds an add-checkpoint body: an old size line, at
// most 63 proof lines of 45 bytes, and a checkpoint with a few signatures.
const MaxWitnessRequest = 16 << 10

// maxWitnessProof is the most proof lines c2sp.org/tlog-witness allows.
const maxWitnessProof = 63

// AddCheckpoint handles an add-checkpoint request body and returns the
// cosignature lines to answer with. Every refusal is a *WitnessRefusal,
// and leaves the state as it was.
func (w *Witness) AddCheckpoint(ctx context.Context, body []byte) ([]byte, error) {
	old, proof, msg, err := parseAddCheckpoint(body)
	if err != nil {
		return nil, err
	}
	text, _, ok := strings.Cut(string(msg), "\n\n")
	if !ok {
		return nil, refuse(WitnessMalformed, "the checkpoint has no signature lines")
	}
	cp, err := ParseCheckpoint(text + "\n")
	if err != nil {
		return nil, refuse(WitnessMalformed, "%v", err)
	}
	keys, ok := w.Logs[cp.Origin]
	if !ok {
		return nil, refuse(WitnessUnknownLog, "this witness does not witness the log %q", cp.Origin)
	}
	if _, err := OpenCheckpoint(msg, keys); err != nil {
		return nil, refuse(WitnessBadSig, "no valid signature of %s by a key this witness trusts", cp.Origin)
	}
	if old > cp.Size {
		return nil, refuse(WitnessMalformed, "old size %d is larger than the checkpoint's size %d", old, cp.Size)
	}
	if (old == 0 || old == cp.Size) && len(proof) != 0 {
		return nil, refuse(WitnessBadProof, "a proof from size %d to %d must be empty", old, cp.Size)
	}
	err = w.Store.AdvanceWitnessed(ctx, cp.Origin, func(cur WitnessState) error {
		if old != cur.Size {
			return &WitnessRefusal{Fault: WitnessConflict, Size: cur.Size,
				Reason: fmt.Sprintf("old size %d is not %d, the size this witness last cosigned", old, cur.Size)}
		}
		if old == 0 {
			if empty, _ := tlog.TreeHash(0, nil); cp.Size == 0 && cp.Root != empty {
				return refuse(WitnessBadProof, "a checkpoint of size 0 must have the empty tree's root")
			}
			return nil
		}
		if old == cp.Size {
			if cp.Root != cur.Root {
				return &WitnessRefusal{Fault: WitnessConflict, Size: cur.Size,
					Reason: fmt.Sprintf("a different root for size %d, which this witness cosigned: a fork", cp.Size)}
			}
			return nil
		}
		if err := CheckConsistency(proof, cp.Size, cp.Root, old, cur.Root); err != nil {
			return refuse(WitnessBadProof, "the checkpoint of size %d does not extend the cosigned one of size %d: %v", cp.Size, old, err)
		}
		return nil
	}, WitnessState{Size: cp.Size, Root: cp.Root})
	if err != nil {
		return nil, err
	}
	return []byte(w.Key.Cosign(cp.Body())), nil
}

// parseAddCheckpoint splits a request body: "old N\n", proof lines, an
// empty line, then the signed checkpoint.
func parseAddCheckpoint(body []byte) (old int64, proof tlog.TreeProof, msg []byte, err error) {
	if len(body) > MaxWitnessRequest {
		return 0, nil, nil, refuse(WitnessMalformed, "request of %d bytes, at most %d", len(body), MaxWitnessRequest)
	}
	head, msg, ok := bytes.Cut(body, []byte("\n\n"))
	if !ok {
		return 0, nil, nil, refuse(WitnessMalformed, "no empty line before the checkpoint")
	}
	lines := strings.Split(string(head), "\n")
	sizeText, ok := strings.CutPrefix(lines[0], "old ")
	old, perr := strconv.ParseInt(sizeText, 10, 64)
	if !ok || perr != nil || old < 0 || strconv.FormatInt(old, 10) != sizeText {
		return 0, nil, nil, refuse(WitnessMalformed, "the first line must be \"old <size>\"")
	}
	if len(lines)-1 > maxWitnessProof {
		return 0, nil, nil, refuse(WitnessMalformed, "%d proof lines, at most %d", len(lines)-1, maxWitnessProof)
	}
	hashes, derr := DecodeProof(strings.Join(lines[1:], "\n"))
	if derr != nil {
		return 0, nil, nil, refuse(WitnessMalformed, "%v", derr)
	}
	return old, hashes, msg, nil
}

// ParseWitnessFor reads the logs a witness witnesses, one "ORIGIN
// VERIFIER-KEY" a line (a log may have several keys, one a line); blank
// lines and lines starting with '#' are skipped.
func ParseWitnessFor(text string) (map[string]note.Verifiers, error) {
	keys := map[string][]string{}
	for i, line := range strings.Split(text, "\n") {
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		f := strings.Fields(line)
		if len(f) != 2 {
			return nil, fmt.Errorf("witness-for line %d: want \"ORIGIN VERIFIER-KEY\"", i+1)
		}
		if name, _, _ := strings.Cut(f[1], "+"); name != f[0] || !ValidOrigin(f[0]) {
			return nil, fmt.Errorf("witness-for line %d: the key is not named %q", i+1, f[0])
		}
		keys[f[0]] = append(keys[f[0]], f[1])
	}
	logs := make(map[string]note.Verifiers, len(keys))
	for origin, ks := range keys {
		v, err := ParseVerifierKeys(strings.Join(ks, "\n"))
		if err != nil {
			return nil, fmt.Errorf("witness-for %s: %w", origin, err)
		}
		logs[origin] = v
	}
	return logs, nil
}

// IsWitnessRefusal returns the refusal in err, if any.
func IsWitnessRefusal(err error) (*WitnessRefusal, bool) {
	return errors.AsType[*WitnessRefusal](err)
}
