package main

import (
	"fmt"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"
	"time"

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
		tl.Checkpointer.OnSigned = tl.Cosigned.Signed
	}
	return nil
}
