package web

import (
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v5"
	"golang.org/x/mod/sumdb/tlog"
	"golang.org/x/time/rate"

	"github.com/ikrar-id/ikrar/internal/translog"
)

// Each add-checkpoint costs a signature check, a proof check and a write:
// a few logs submitting every few seconds need far less than this.
const (
	witnessPerSecond = 20
	witnessBurst     = 40
)

func newWitnessPace(on bool) *rate.Limiter {
	if !on {
		return rate.NewLimiter(rate.Inf, 0)
	}
	return rate.NewLimiter(witnessPerSecond, witnessBurst)
}

// witnessFaults are the statuses c2sp.org/tlog-witness names for each
// refusal, and the stable code of the JSON error beside it.
var witnessFaults = map[translog.WitnessFault]struct {
	status int
	code   string
	msg    string
}{
	translog.WitnessMalformed:  {http.StatusBadRequest, "witness_malformed", "Permintaan add-checkpoint tidak sesuai format c2sp.org/tlog-witness."},
	translog.WitnessUnknownLog: {http.StatusNotFound, "witness_unknown_log", "Saksi ini tidak menyaksikan log tersebut."},
	translog.WitnessBadSig:     {http.StatusForbidden, "witness_bad_signature", "Checkpoint tidak ditandatangani kunci log yang dipercaya saksi ini."},
	translog.WitnessBadProof:   {http.StatusUnprocessableEntity, "witness_bad_proof", "Bukti konsistensi tidak sah: checkpoint ini tidak melanjutkan checkpoint yang telah disaksikan."},
}

func (s *Server) witnessAddCheckpoint(c *echo.Context) error {
	if !s.witnessPace.Allow() {
		s.opt.Metrics.RateLimited("witness")
		c.Response().Header().Set("Retry-After", "1")
		return c.JSON(http.StatusTooManyRequests, apiError{Error: apiErrorBody{Code: "witness_busy", Message: translate(s.lang(c), "Saksi sedang sibuk; coba lagi sebentar lagi."), RequestID: requestIDOf(c)}})
	}
	body, err := io.ReadAll(io.LimitReader(c.Request().Body, translog.MaxWitnessRequest+1))
	if err != nil {
		if _, ok := errors.AsType[*http.MaxBytesError](err); ok {
			return echo.ErrStatusRequestEntityTooLarge
		}
		return err
	}
	if len(body) > translog.MaxWitnessRequest {
		return echo.ErrStatusRequestEntityTooLarge
	}
	lines, err := s.tl.Witness.AddCheckpoint(c.Request().Context(), body)
	if r, ok := translog.IsWitnessRefusal(err); ok {
		if r.Fault == translog.WitnessConflict {
			s.log.Warn("witness: refused a checkpoint", "reason", r.Reason)
			return c.Blob(http.StatusConflict, "text/x.tlog.size", []byte(strconv.FormatInt(r.Size, 10)+"\n"))
		}
		f := witnessFaults[r.Fault]
		if r.Fault == translog.WitnessBadProof {
			// Possible evidence of a log that forked: keep it in the log.
			s.log.Warn("witness: refused a checkpoint", "reason", r.Reason, "request", string(body))
		}
		return c.JSON(f.status, apiError{Error: apiErrorBody{Code: f.code, Message: translate(s.lang(c), f.msg) + " (" + r.Reason + ")", RequestID: requestIDOf(c)}})
	}
	if err != nil {
		return err
	}
	return c.Blob(http.StatusOK, "text/plain; charset=utf-8", lines)
}

// witnessesJSON is /api/v1/log/witnesses: who must cosign this log's
// checkpoints and how many of them, for verifiers (the browser's too).
type witnessesJSON struct {
	Quorum    int           `json:"quorum"`
	Witnesses []witnessJSON `json:"witnesses"`
}

type witnessJSON struct {
	Name        string `json:"name"`
	VerifierKey string `json:"verifier_key"`
}

func (s *Server) apiWitnesses(c *echo.Context) error {
	out := witnessesJSON{Quorum: s.tl.Quorum, Witnesses: []witnessJSON{}}
	for _, w := range s.tl.Witnesses {
		out.Witnesses = append(out.Witnesses, witnessJSON{Name: w.Name(), VerifierKey: w.Key()})
	}
	c.Response().Header().Set(echo.HeaderCacheControl, "public, max-age=300")
	return c.JSON(http.StatusOK, out)
}

// checkWitnessed checks that the record's leaf is in a checkpoint that a
// quorum of this log's witnesses cosigned: the latest one, or, while the
// witnesses have not answered for it yet, the latest one they did cosign.
func (s *Server) checkWitnessed(hr tlog.HashReader, cp translog.SignedCheckpoint, index int64, leaf tlog.Hash, add func(string, bool, string)) error {
	cands := []translog.SignedCheckpoint{cp}
	if s.tl.Cosigned != nil {
		if l, ok := s.tl.Cosigned.Latest(); ok && l.Size != cp.Size {
			cands = append(cands, l)
		}
	}
	best := 0
	for _, c := range cands {
		_, found, err := translog.OpenCosignedCheckpoint(c.Note, s.tl.Keys.Verifiers(), s.tl.Witnesses, s.tl.Quorum)
		best = max(best, len(found))
		if err != nil || index >= c.Size {
			continue
		}
		proof, err := translog.InclusionProof(index, c.Size, hr)
		if err != nil {
			return err
		}
		if translog.CheckInclusion(proof, c.Size, c.Root, index, leaf) != nil {
			continue
		}
		names := make([]string, len(found))
		for i, f := range found {
			names[i] = f.Witness + " " + f.Time.Format(time.RFC3339)
		}
		add(checkWitnesses, true, fmt.Sprintf("the record is in the checkpoint of size %d, cosigned by %d of the %d required witnesses: %s",
			c.Size, len(found), s.tl.Quorum, strings.Join(names, ", ")))
		return nil
	}
	add(checkWitnesses, false, fmt.Sprintf("no checkpoint that holds the record carries the %d witness cosignatures required (at most %d found): not yet witnessed, or witnesses refused it",
		s.tl.Quorum, best))
	return nil
}
