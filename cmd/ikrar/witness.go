package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"
	"time"

	"golang.org/x/mod/sumdb/note"

	"github.com/ikrar-id/ikrar/internal/config"
	"github.com/ikrar-id/ikrar/internal/translog"
	"github.com/ikrar-id/ikrar/internal/web"
)

// witnessing reads the witness flags of `ikrar serve` into tl: the logs
// this registry witnesses (--witness-for), with its witness key made in
// data/keys/ at first start, and the witnesses of this log (--witnesses)
// with a submitter that gathers their cosignatures.
func witnessing(cfg config.Config, a *app, tl *web.Transparency, log *slog.Logger) error {
	keysDir := filepath.Join(cfg.DataDir, "keys")
	if cfg.WitnessFor != "" {
		text, err := os.ReadFile(cfg.WitnessFor)
		if err != nil {
			return fmt.Errorf("--witness-for: %w", err)
		}
		logs, err := translog.ParseWitnessFor(string(text))
		if err != nil {
			return fmt.Errorf("--witness-for %s: %w", cfg.WitnessFor, err)
		}
		host, err := translog.ClaimHost(cfg.BaseURL)
		if err != nil {
			return err
		}
		key, err := translog.LoadOrCreateCosigner(keysDir, host+"/witness")
		if err != nil {
			return err
		}
		tl.Witness = &translog.Witness{Key: key, Logs: logs, Store: a.db}
		log.Info("witnessing other logs", "logs", len(logs), "witness_key", key.VerifierKey())
	}
	if cfg.Witnesses != "" {
		text, err := os.ReadFile(cfg.Witnesses)
		if err != nil {
			return fmt.Errorf("--witnesses: %w", err)
		}
		ws, urls, err := translog.ParseWitnessList(string(text))
		if err != nil {
			return fmt.Errorf("--witnesses %s: %w", cfg.Witnesses, err)
		}
		for i, u := range urls {
			if u == "" {
				return fmt.Errorf("--witnesses %s: witness %s has no URL", cfg.Witnesses, ws[i].Name())
			}
		}
		if cfg.WitnessQuorum > len(ws) {
			return fmt.Errorf("--witness-quorum %d is more than the %d witnesses listed", cfg.WitnessQuorum, len(ws))
		}
		tl.Witnesses, tl.Quorum = ws, cfg.WitnessQuorum
		tl.Cosigned = &translog.Submitter{
			Witnesses: ws, URLs: urls, Quorum: cfg.WitnessQuorum, Store: a.db, Log: log, Now: time.Now,
			Client: &http.Client{Timeout: 20 * time.Second},
		}
		tl.Checkpointer.Signed = append(tl.Checkpointer.Signed, func(_ context.Context, sc translog.SignedCheckpoint) { tl.Cosigned.Signed(sc) })
	}
	return nil
}

// witnessPolicy is what a client requires of a checkpoint's witnesses:
// --witnesses FILE (one "VERIFIER-KEY [URL]" a line) and --witness-quorum N.
type witnessPolicy struct {
	witnesses []*translog.CosignatureVerifier
	quorum    int
}

// witnessFlags adds --witnesses and --witness-quorum to fs; read the
// policy after parsing.
func witnessFlags(fs *flag.FlagSet) func() (witnessPolicy, error) {
	file := fs.String("witnesses", "", "file of the witnesses to trust, one \"VERIFIER-KEY [URL]\" a line: refuse a checkpoint fewer than --witness-quorum of them cosigned")
	quorum := fs.Int("witness-quorum", 0, "how many of the --witnesses must have cosigned the checkpoint (default: all of them)")
	return func() (witnessPolicy, error) {
		if *file == "" {
			if *quorum != 0 {
				return witnessPolicy{}, errors.New("--witness-quorum needs --witnesses")
			}
			return witnessPolicy{}, nil
		}
		text, err := os.ReadFile(*file)
		if err != nil {
			return witnessPolicy{}, fmt.Errorf("--witnesses: %w", err)
		}
		ws, _, err := translog.ParseWitnessList(string(text))
		if err != nil {
			return witnessPolicy{}, fmt.Errorf("--witnesses %s: %w", *file, err)
		}
		q := *quorum
		if q == 0 {
			q = len(ws)
		}
		if q < 1 || q > len(ws) {
			return witnessPolicy{}, fmt.Errorf("--witness-quorum %d: must be between 1 and the %d witnesses listed", q, len(ws))
		}
		return witnessPolicy{witnesses: ws, quorum: q}, nil
	}
}

// check opens a checkpoint with the policy, prints who cosigned it and
// when, and returns what is wrong, or "" if the quorum cosigned it.
func (w witnessPolicy) check(msg []byte, logKeys note.Verifiers, out io.Writer) string {
	if w.quorum == 0 {
		return ""
	}
	c, found, err := translog.OpenCosignedCheckpoint(msg, logKeys, w.witnesses, w.quorum)
	for _, f := range found {
		fmt.Fprintf(out, "  saksi / witness %s menandatangani bersama / cosigned at %s\n", f.Witness, f.Time.Format(time.RFC3339))
	}
	if err != nil {
		return fmt.Sprintf("checkpoint %d: %d dari %d saksi yang disyaratkan / %d of the %d required witnesses cosigned it (%v): it may be a view shown to you alone",
			c.Size, len(found), w.quorum, len(found), w.quorum, err)
	}
	return ""
}
