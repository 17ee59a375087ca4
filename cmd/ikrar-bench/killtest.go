package main

import (
	"context"
	"fmt"
	"math/rand/v2"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// killRound is one kill -9 of the server during API signing.
type killRound struct {
	Round        int      `json:"round"`
	Acknowledged int      `json:"acknowledged"`
	Found        int      `json:"found_after_restart"`
	Missing      []string `json:"missing,omitempty"`
	KilledAfterS float64  `json:"killed_after_s"`
	RestartS     float64  `json:"restart_s"`
	Checkpoint   string   `json:"log_checkpoint_after_restart"`
}

func (k killRound) Summary() string {
	s := fmt.Sprintf("acknowledged %d, found %d after kill -9 (killed %.1f s into the load, restart took %.1f s; log checkpoint %s)",
		k.Acknowledged, k.Found, k.KilledAfterS, k.RestartS, k.Checkpoint)
	if len(k.Missing) > 0 {
		s += fmt.Sprintf("; MISSING e.g. %v", k.Missing[:min(5, len(k.Missing))])
	}
	return s
}

// acks records acknowledged signings and kills the server right after the
// chosen one arrives: the responses of the same batch are still being
// read, the next batch is being committed.
type acks struct {
	mu     sync.Mutex
	codes  []string
	killAt int
	kill   func()
	once   sync.Once
}

func (a *acks) add(code, _ string) {
	a.mu.Lock()
	a.codes = append(a.codes, code)
	n := len(a.codes)
	a.mu.Unlock()
	if n >= a.killAt {
		a.once.Do(a.kill)
	}
}

// runKillTest signs through the API with -c clients and SIGKILLs the
// server after a random number (2,000–8,000) of acknowledged signings,
// restarts it on the same data directory and looks up every acknowledged
// certificate; it repeats for -kill-rounds.
func (b *bench) runKillTest(ctx context.Context) error {
	rg := b.plan()
	b.report.Config = reportConfig{Employees: rg.total, Concurrency: b.cfg.Concurrency}
	ev, err := seed(ctx, b.api, rg.total, b.logf)
	if err != nil {
		return err
	}
	b.event = ev
	per := (rg.kills[1] - rg.kills[0]) / b.cfg.KillRounds
	for round := 1; round <= b.cfg.KillRounds; round++ {
		lo := rg.kills[0] + (round-1)*per
		src := newSigners(lo, lo+per, false)
		loadCtx, cancel := context.WithCancel(ctx)
		start := time.Now()
		var killedAt atomic.Int64
		srv := b.ikrar
		a := &acks{killAt: 2000 + rand.IntN(6000), kill: func() {
			srv.cmd.Process.Kill() // SIGKILL
			killedAt.Store(int64(time.Since(start)))
			cancel()
		}}
		do := func(ctx context.Context, w *worker) (outcome, error) {
			return signAPI(ctx, b.client, srv.base, b.event, src, b.pay, a)
		}
		b.logf("kill round %d: signing with %d clients, kill -9 after %d acknowledged", round, b.cfg.Concurrency, a.killAt)
		load{Concurrency: b.cfg.Concurrency, Duration: 2 * time.Minute}.run(loadCtx, nil, do)
		cancel()
		if killedAt.Load() == 0 {
			return fmt.Errorf("kill round %d: only %d signings acknowledged in 2 minutes", round, len(a.codes))
		}
		<-srv.done
		srv.rss.close()
		srv.rss = nil
		b.tr.CloseIdleConnections()

		t := time.Now()
		if b.ikrar, err = startIkrar(ctx, b.bin, b.dataDir, b.databaseFlags()...); err != nil {
			return fmt.Errorf("restart after kill -9: %w", err)
		}
		b.api.base = b.ikrar.base
		k := killRound{Round: round, Acknowledged: len(a.codes), KilledAfterS: time.Duration(killedAt.Load()).Seconds(), RestartS: time.Since(t).Seconds()}
		found, missing := b.lookUp(ctx, a.codes)
		k.Found, k.Missing = found, missing
		if err := b.api.call(ctx, http.MethodGet, "/api/v1/log/checkpoint", "", nil, http.StatusOK, nil); err != nil {
			k.Checkpoint = "error: " + err.Error()
		} else {
			k.Checkpoint = "ok"
		}
		b.report.KillTest = append(b.report.KillTest, k)
		b.logf("kill round %d: %s", round, k.Summary())
	}
	b.stopServers()
	// The log must also be whole: every stored record's leaf in the tree.
	out, err := ikrarCLI(ctx, b.bin, "", "audit", "--data", b.dataDir)
	if err != nil {
		b.report.Checks = append(b.report.Checks, "ikrar audit after the kills FAILED: "+err.Error())
	} else {
		b.report.Checks = append(b.report.Checks, "ikrar audit after the kills: "+strings.TrimSpace(out))
	}
	return b.write()
}

// lookUp asks the (restarted) server for every code and returns how many
// it found and some it did not.
func (b *bench) lookUp(ctx context.Context, codes []string) (int, []string) {
	var mu sync.Mutex
	var missing []string
	seq := &sequence{items: codes}
	var found atomic.Int64
	base := b.ikrar.base
	load{Concurrency: min(b.cfg.Concurrency, 64), Duration: 10 * time.Minute}.run(ctx, nil, func(ctx context.Context, w *worker) (outcome, error) {
		code, ok := seq.take()
		if !ok {
			return outcome{}, errExhausted
		}
		var n atomic.Int64
		o, err := fetch(ctx, b.client, b.cfg.Gzip, base, "/api/v1/certificates/"+code, http.StatusOK, "", &n)
		if o.ok {
			found.Add(1)
		} else if err == nil {
			mu.Lock()
			missing = append(missing, code+" ("+o.reason+")")
			mu.Unlock()
		}
		return o, err
	})
	return int(found.Load()), missing
}
