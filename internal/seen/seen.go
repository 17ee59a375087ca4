// Package seen remembers the signed checkpoints a client has verified, per
// log, the way the go command keeps the checksum database's latest tree
// head: a later checkpoint that rolls back or forks what was seen is caught,
// and the two conflicting signed notes are written out as evidence.
//
// A state directory holds (docs/FORMATS.md §10):
//
//	ikrar-state                              marks the directory as ours, with its format
//	lock                                     held while a run reads and writes the state
//	logs/<origin>/<size>-<unix>.checkpoint   every distinct checkpoint verified, named by
//	                                         its size and the time it was first seen
//	evidence/<unix>-kept.checkpoint          a conflict: the checkpoint remembered,
//	evidence/<unix>-served.checkpoint        the one the registry served against it,
//	evidence/<unix>-report.txt               and what was wrong (with any proof)
//
// Checkpoint files are the signed notes themselves, so anyone can check the
// evidence with the registry's verifier key alone.
package seen

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"

	"golang.org/x/mod/sumdb/note"

	"github.com/ikrar-id/ikrar/internal/translog"
)

// marker is the content of the ikrar-state file: the directory's format.
const marker = "ikrar checkpoint memory v1\n"

// maxNote bounds a checkpoint file read back: a checkpoint note with a few
// signatures is a few hundred bytes.
const maxNote = 64 << 10

// Dir is an open state directory, locked against other runs until Close.
type Dir struct {
	path   string
	unlock func() error
}

// Open opens the state directory path, creating it if it does not exist or
// is empty, and waits for its lock; waiting, if another run holds it, is
// announced through wait. A directory that holds something other than an
// ikrar state is refused, never written into.
func Open(path string, wait func()) (*Dir, error) {
	if err := os.MkdirAll(path, 0o755); err != nil {
		return nil, fmt.Errorf("state directory: %w", err)
	}
	if err := markStateDir(path); err != nil {
		return nil, err
	}
	unlock, err := lockFile(filepath.Join(path, "lock"), wait)
	if err != nil {
		return nil, fmt.Errorf("state directory %s: lock: %w", path, err)
	}
	return &Dir{path: path, unlock: unlock}, nil
}

// markStateDir checks that path is an ikrar state directory, marking it as
// one if it is empty. Several runs may do this at once on a new directory:
// one that finds the marker written meanwhile reads it, and the lock file
// and other runs' temporary files are not foreign.
func markStateDir(path string) error {
	for {
		m, err := os.ReadFile(filepath.Join(path, "ikrar-state"))
		switch {
		case err == nil && string(m) != marker:
			return fmt.Errorf("state directory %s: ikrar-state says %q, this ikrar keeps %q: a state of another format or program", path, strings.TrimSpace(string(m)), strings.TrimSpace(marker))
		case err == nil:
			return nil
		case !errors.Is(err, fs.ErrNotExist):
			return fmt.Errorf("state directory: %w", err)
		}
		entries, err := os.ReadDir(path)
		if err != nil {
			return fmt.Errorf("state directory: %w", err)
		}
		marked, foreign := false, false
		for _, e := range entries {
			switch name := e.Name(); {
			case name == "ikrar-state":
				marked = true
			case strings.HasPrefix(name, ".tmp-"), name == "lock":
			default:
				foreign = true
			}
		}
		if marked {
			continue // written meanwhile by another run: read it
		}
		if foreign {
			// A listing taken while another run renames its marker into
			// place may show neither the old nor the new one. A marker is
			// never removed, and runs write their files only after it: if
			// it is there now, those files are ours.
			if _, err := os.Stat(filepath.Join(path, "ikrar-state")); err == nil {
				continue
			}
			return fmt.Errorf("state directory %s holds other files and no ikrar-state file: not an ikrar state directory; name an empty or new directory", path)
		}
		// Every run writes the same marker: which one lands does not matter.
		if err := WriteFileAtomic(filepath.Join(path, "ikrar-state"), []byte(marker)); err != nil {
			return fmt.Errorf("state directory: %w", err)
		}
	}
}

// Path is the directory's path.
func (d *Dir) Path() string { return d.path }

// Close releases the lock.
func (d *Dir) Close() error { return d.unlock() }

// Seen is one checkpoint remembered: its signed note, what it says and
// when it was first seen.
type Seen struct {
	Checkpoint translog.Checkpoint
	Note       []byte
	At         time.Time
}

// Log is what was seen of one log, smallest size first; one checkpoint per
// size (a second root for a size is a fork and is never remembered).
type Log struct {
	Origin string
	Seen   []Seen
}

// Latest returns the largest checkpoint seen.
func (l *Log) Latest() (Seen, bool) {
	if len(l.Seen) == 0 {
		return Seen{}, false
	}
	return l.Seen[len(l.Seen)-1], true
}

// At returns the checkpoint seen of size n.
func (l *Log) At(n int64) (Seen, bool) {
	i := sort.Search(len(l.Seen), func(i int) bool { return l.Seen[i].Checkpoint.Size >= n })
	if i < len(l.Seen) && l.Seen[i].Checkpoint.Size == n {
		return l.Seen[i], true
	}
	return Seen{}, false
}

var fileName = regexp.MustCompile(`^(0|[1-9][0-9]{0,18})-(0|[1-9][0-9]{0,18})\.checkpoint$`)

func (d *Dir) logDir(origin string) string {
	name := url.PathEscape(origin)
	if strings.HasPrefix(name, ".") {
		name = "%2E" + name[1:] // never ".", ".." or a hidden name
	}
	return filepath.Join(d.path, "logs", name)
}

// Log reads what was seen of the log origin. Every file must be a note
// that verifiers verify, of that log, of the size its name says, one per
// size: anything else is a corrupted or foreign state and an error, never
// a silent fresh start.
func (d *Dir) Log(origin string, verifiers note.Verifiers) (*Log, error) {
	if !translog.ValidOrigin(origin) {
		return nil, fmt.Errorf("state: %q is not a log origin", origin)
	}
	dir := d.logDir(origin)
	l := &Log{Origin: origin}
	entries, err := os.ReadDir(dir)
	if errors.Is(err, fs.ErrNotExist) {
		return l, nil
	}
	if err != nil {
		return nil, fmt.Errorf("state: %w", err)
	}
	for _, e := range entries {
		if strings.HasPrefix(e.Name(), ".tmp-") {
			continue // a write cut short; the rename never happened
		}
		path := filepath.Join(dir, e.Name())
		m := fileName.FindStringSubmatch(e.Name())
		if m == nil || !e.Type().IsRegular() {
			return nil, fmt.Errorf("state file %s: not a checkpoint this state keeps (<size>-<unix time>.checkpoint): a foreign file; move it away", path)
		}
		size, err1 := strconv.ParseInt(m[1], 10, 64)
		at, err2 := strconv.ParseInt(m[2], 10, 64)
		if err1 != nil || err2 != nil {
			return nil, fmt.Errorf("state file %s: size or time out of range", path)
		}
		b, err := readBounded(path)
		if err != nil {
			return nil, fmt.Errorf("state file %s: %w", path, err)
		}
		c, err := translog.OpenCheckpoint(b, verifiers)
		if err != nil {
			return nil, fmt.Errorf("state file %s: does not verify with the registry's keys (%v): corrupted, edited, or kept under other keys; move it away only if you know why", path, err)
		}
		if c.Origin != origin {
			return nil, fmt.Errorf("state file %s: a checkpoint of log %s, kept under log %s: a foreign file", path, c.Origin, origin)
		}
		if c.Size != size {
			return nil, fmt.Errorf("state file %s: a checkpoint of size %d under the name of size %d: edited or renamed", path, c.Size, size)
		}
		if prev, ok := l.At(size); ok {
			return nil, fmt.Errorf("state: two checkpoints of size %d kept (%s seen %s): the state was edited", size, path, prev.At.UTC().Format(time.RFC3339))
		}
		l.Seen = append(l.Seen, Seen{Checkpoint: c, Note: b, At: time.Unix(at, 0).UTC()})
		sort.Slice(l.Seen, func(i, j int) bool { return l.Seen[i].Checkpoint.Size < l.Seen[j].Checkpoint.Size })
	}
	return l, nil
}

// Remember adds s to the log's state, unless a checkpoint of its size is
// already kept; the caller has checked it against l. The file is written
// whole or not at all.
func (d *Dir) Remember(l *Log, s Seen) error {
	if s.Checkpoint.Origin != l.Origin {
		return fmt.Errorf("state: remember a checkpoint of log %s under log %s", s.Checkpoint.Origin, l.Origin)
	}
	if prev, ok := l.At(s.Checkpoint.Size); ok {
		if prev.Checkpoint != s.Checkpoint {
			return fmt.Errorf("state: a checkpoint of size %d with another root is kept already", s.Checkpoint.Size)
		}
		return nil
	}
	dir := d.logDir(l.Origin)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("state: %w", err)
	}
	name := fmt.Sprintf("%d-%d.checkpoint", s.Checkpoint.Size, s.At.Unix())
	if err := WriteFileAtomic(filepath.Join(dir, name), s.Note); err != nil {
		return fmt.Errorf("state: %w", err)
	}
	l.Seen = append(l.Seen, s)
	sort.Slice(l.Seen, func(i, j int) bool { return l.Seen[i].Checkpoint.Size < l.Seen[j].Checkpoint.Size })
	return nil
}

// Evidence is a conflict written out: the checkpoint kept, the one served
// and a report saying what is wrong.
type Evidence struct {
	Kept, Served, Report string // paths
}

// WriteEvidence writes the two conflicting signed checkpoints and a report
// to evidence/<unix>-kept.checkpoint, <unix>-served.checkpoint and
// <unix>-report.txt; unix is the time now, moved on by a second while a
// conflict already written holds the name. served may be nil when the
// registry served nothing for a size it once served.
func (d *Dir) WriteEvidence(now time.Time, kept, served []byte, report string) (Evidence, error) {
	dir := filepath.Join(d.path, "evidence")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return Evidence{}, fmt.Errorf("evidence: %w", err)
	}
	for t := now.Unix(); ; t++ {
		p := filepath.Join(dir, strconv.FormatInt(t, 10))
		f, err := os.OpenFile(p+"-kept.checkpoint", os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
		if errors.Is(err, fs.ErrExist) {
			continue
		}
		if err != nil {
			return Evidence{}, fmt.Errorf("evidence: %w", err)
		}
		_, err = f.Write(kept)
		if cerr := f.Close(); err == nil {
			err = cerr
		}
		if err != nil {
			return Evidence{}, fmt.Errorf("evidence: %w", err)
		}
		ev := Evidence{Kept: p + "-kept.checkpoint", Report: p + "-report.txt"}
		if served != nil {
			ev.Served = p + "-served.checkpoint"
			if err := WriteFileAtomic(ev.Served, served); err != nil {
				return Evidence{}, fmt.Errorf("evidence: %w", err)
			}
		}
		if err := WriteFileAtomic(ev.Report, []byte(report)); err != nil {
			return Evidence{}, fmt.Errorf("evidence: %w", err)
		}
		return ev, nil
	}
}

func readBounded(path string) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	b, err := io.ReadAll(io.LimitReader(f, maxNote+1))
	if err != nil {
		return nil, err
	}
	if len(b) > maxNote {
		return nil, fmt.Errorf("larger than %d bytes: not a checkpoint", maxNote)
	}
	return b, nil
}

// WriteFileAtomic replaces path with data so a crash or a concurrent
// reader sees the old file or the new one, never half of one, and the
// rename itself is on disk (the directory is synced) when it returns.
func WriteFileAtomic(path string, data []byte) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), ".tmp-"+filepath.Base(path)+"-*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	if err := os.Chmod(tmp.Name(), 0o644); err != nil {
		return err
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return err
	}
	d, err := os.Open(filepath.Dir(path))
	if err != nil {
		return err
	}
	defer d.Close()
	return d.Sync()
}
