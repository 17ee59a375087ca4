package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"time"

	"golang.org/x/mod/sumdb/note"
	"golang.org/x/mod/sumdb/tlog"

	"github.com/ikrar-id/ikrar/internal/translog"
)

const usageMonitor = "usage: ikrar monitor URL --state DIR --key KEYFILE [--tolerance 10m]"

// The monitor's state directory: the checkpoint it last walked to, what
// the entries up to it established, and the evidence of any rollback or
// fork, named as ikrar audit --remote --state names it.
const (
	monitorCheckpointFile = "checkpoint"
	monitorStateFile      = "monitor.json"
	evidenceDir           = "evidence"
)

// cmdMonitor walks a registry's log through its public tiles from where
// the last walk stopped: the newest checkpoint must verify and extend the
// one kept, every entry must hash to the signed tree, and no entry may
// break a rule an honest registry keeps. The state moves on only after a
// clean walk, so a problem is reported again until someone looks.
func cmdMonitor(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("monitor", flag.ContinueOnError)
	stateDir := fs.String("state", "", "directory keeping what the monitor has seen (created if missing)")
	keyFile := fs.String("key", "", "the registry's published verifier keys, one per line")
	tolerance := fs.Duration("tolerance", 10*time.Minute, "how far an entry's time may lie before the latest time logged before it")
	pos, err := parseInterleaved(fs, args, stderr)
	if err != nil {
		return err
	}
	if len(pos) != 1 || *stateDir == "" || *keyFile == "" || *tolerance < 0 {
		return exitError{code: 2, msg: usageMonitor}
	}
	base, err := registryURL(pos[0])
	if err != nil {
		return exitError{code: 2, msg: err.Error()}
	}
	_, verifiers, err := readVerifierKeys(*keyFile)
	if err != nil {
		return exitError{code: 2, msg: err.Error()}
	}
	if err := os.MkdirAll(*stateDir, 0o755); err != nil {
		return exitError{code: 2, msg: fmt.Sprintf("state directory: %v", err)}
	}
	m := &monitorRun{ctx: ctx, client: newHTTPClient(), base: base, dir: *stateDir, verifiers: verifiers,
		tolerance: *tolerance, now: time.Now, out: stdout}
	return m.run()
}

type monitorRun struct {
	ctx       context.Context
	client    *http.Client
	base      string
	dir       string
	verifiers note.Verifiers
	tolerance time.Duration
	now       func() time.Time
	out       io.Writer
	problems  []string
}

func (m *monitorRun) add(format string, args ...any) {
	m.problems = append(m.problems, fmt.Sprintf(format, args...))
}

func (m *monitorRun) fetchTile(path string) ([]byte, error) {
	_, b, err := fetch(m.ctx, m.client, http.MethodGet, m.base+"/log/"+path, nil)
	return b, err
}

func (m *monitorRun) run() error {
	keptNote, state, err := m.loadState()
	if err != nil {
		return exitError{code: 2, msg: err.Error()}
	}
	var kept translog.Checkpoint
	if keptNote != nil {
		if kept, err = translog.OpenCheckpoint(keptNote, m.verifiers); err != nil {
			return exitError{code: 2, msg: fmt.Sprintf("the kept checkpoint in %s does not verify with the keys: %v", m.dir, err)}
		}
		if kept.Size != state.Size {
			return exitError{code: 2, msg: fmt.Sprintf("the state in %s is inconsistent: checkpoint of %d leaves, %d entries read", m.dir, kept.Size, state.Size)}
		}
		fmt.Fprintf(m.out, "Tersimpan / Kept: %d leaves, root %s\n", kept.Size, kept.Root)
	}

	_, servedNote, err := fetch(m.ctx, m.client, http.MethodGet, m.base+"/log/checkpoint", nil)
	if err != nil {
		m.add("fetch the checkpoint: %v", err)
		return m.report(0)
	}
	served, err := translog.OpenCheckpoint(servedNote, m.verifiers)
	if err != nil {
		m.add("the registry's checkpoint does not verify with the keys: %v", err)
		return m.report(0)
	}
	fmt.Fprintf(m.out, "Registri / Registry %s: log %s, %d leaves, root %s\n", m.base, served.Origin, served.Size, served.Root)

	tree := tlog.Tree{N: served.Size, Hash: served.Root}
	reader := &translog.TileReader{Fetch: m.fetchTile}
	if keptNote != nil {
		switch {
		case kept.Origin != served.Origin:
			m.add("the kept checkpoint is of log %s, the registry's of %s", kept.Origin, served.Origin)
		case served.Size < kept.Size:
			m.add("rollback: the registry serves a checkpoint of %d leaves, it once served %d", served.Size, kept.Size)
			m.evidence(keptNote, servedNote)
		case served.Size == kept.Size && served.Root != kept.Root:
			m.add("fork: the registry serves a checkpoint of %d leaves with root %s, it once served root %s", served.Size, served.Root, kept.Root)
			m.evidence(keptNote, servedNote)
		default:
			// The kept tree's root, computed from the served tree's tiles
			// (each checked against the served root), must be the kept
			// root: the served log extends the kept one.
			root, err := tlog.TreeHash(kept.Size, tlog.TileHashReader(tree, reader))
			switch {
			case err != nil:
				m.add("the tiles do not prove the checkpoint of %d leaves: %v", served.Size, err)
			case root != kept.Root:
				m.add("fork: the checkpoint of %d leaves does not extend the kept one of %d: its first %d leaves have root %s, the kept root is %s",
					served.Size, kept.Size, kept.Size, root, kept.Root)
				m.evidence(keptNote, servedNote)
			}
		}
		if len(m.problems) > 0 {
			return m.report(served.Size)
		}
	}

	mon := &translog.Monitor{State: state, Tolerance: m.tolerance, Now: m.now()}
	from := state.Size
	err = translog.WalkEntries(reader, tree, from, func(i int64, entry []byte) error {
		p, err := mon.Add(i, entry)
		m.problems = append(m.problems, p...)
		return err
	})
	if err != nil {
		m.add("walk the entries from leaf %d: %v", state.Size, err)
	}
	if err := m.report(served.Size); err != nil {
		return err
	}
	fmt.Fprintf(m.out, "Dibaca / Read: leaves %d to %d.\n", from, served.Size)
	if err := m.saveState(servedNote, state); err != nil {
		return fmt.Errorf("save the monitor's state: %w", err)
	}
	return nil
}

// report prints the outcome; any problem is exit status 1.
func (m *monitorRun) report(size int64) error {
	if len(m.problems) == 0 {
		fmt.Fprintf(m.out, "MONITOR BERSIH / MONITOR CLEAN: %d entries, each in the signed tree, none breaking a rule\n", size)
		return nil
	}
	fmt.Fprintf(m.out, "MONITOR MENEMUKAN MASALAH / MONITOR FOUND PROBLEMS: %d masalah / %d problem(s)\n", len(m.problems), len(m.problems))
	for i, s := range m.problems {
		fmt.Fprintf(m.out, "  %d. %s\n", i+1, s)
	}
	return exitError{code: 1, msg: "monitor: " + m.problems[0]}
}

// evidence writes both signed checkpoints, which together prove that the
// registry signed two histories that cannot both be true.
func (m *monitorRun) evidence(kept, served []byte) {
	dir := filepath.Join(m.dir, evidenceDir)
	stamp := strconv.FormatInt(m.now().Unix(), 10)
	err := os.MkdirAll(dir, 0o755)
	for _, f := range []struct {
		name string
		note []byte
	}{{"kept", kept}, {"served", served}} {
		if err == nil {
			err = writeFileAtomic(filepath.Join(dir, stamp+"-"+f.name+".checkpoint"), f.note)
		}
	}
	if err != nil {
		m.add("write the evidence: %v", err)
		return
	}
	fmt.Fprintf(m.out, "Bukti / Evidence: %s\n", filepath.Join(dir, stamp+"-{kept,served}.checkpoint"))
}

// loadState reads the kept checkpoint and what was read up to it; a
// monitor that has read nothing has neither.
func (m *monitorRun) loadState() ([]byte, *translog.MonitorState, error) {
	keptNote, err := os.ReadFile(filepath.Join(m.dir, monitorCheckpointFile))
	if errors.Is(err, fs.ErrNotExist) {
		if _, err := os.Stat(filepath.Join(m.dir, monitorStateFile)); err == nil {
			return nil, nil, fmt.Errorf("%s has %s but no %s", m.dir, monitorStateFile, monitorCheckpointFile)
		}
		return nil, translog.NewMonitorState(), nil
	}
	if err != nil {
		return nil, nil, err
	}
	b, err := os.ReadFile(filepath.Join(m.dir, monitorStateFile))
	if err != nil {
		return nil, nil, fmt.Errorf("read the monitor's state: %w", err)
	}
	state := translog.NewMonitorState()
	if err := json.Unmarshal(b, state); err != nil {
		return nil, nil, fmt.Errorf("%s: %w", filepath.Join(m.dir, monitorStateFile), err)
	}
	return keptNote, state, nil
}

// saveState writes what was read, then the checkpoint it was read to: a
// crash between the two leaves a state the next run refuses as
// inconsistent rather than one that skips entries.
func (m *monitorRun) saveState(servedNote []byte, state *translog.MonitorState) error {
	b, err := json.Marshal(state)
	if err != nil {
		return err
	}
	if err := writeFileAtomic(filepath.Join(m.dir, monitorStateFile), b); err != nil {
		return err
	}
	return writeFileAtomic(filepath.Join(m.dir, monitorCheckpointFile), servedNote)
}
