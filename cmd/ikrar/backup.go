package main

import (
	"archive/tar"
	"compress/gzip"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"time"

	"github.com/ikrar-id/ikrar/internal/private"
	"github.com/ikrar-id/ikrar/internal/store/sqlite"
)

// A backup is one gzip-compressed tar archive: the standard library writes
// and reads it, `tar tzf` lists it on any machine, and the database, most
// of it text, shrinks several times. Its first entry is manifestName; the
// files follow, each listed in the manifest with its size and SHA-256.
const (
	backupFormat = "ikrar-backup/1"
	manifestName = "manifest.json"
	// maxManifest and maxSmallFile bound what restore reads before it
	// checks anything: a manifest or a key is a few kilobytes.
	maxManifest  = 1 << 20
	maxSmallFile = 1 << 20
	// maxDatabase bounds the database entry: far above any regency's
	// registry (a million records is about 2 GB), far below a bomb that
	// would fill the disk.
	maxDatabase = 256 << 30
)

type backupManifest struct {
	Format        string       `json:"format"`
	IkrarVersion  string       `json:"ikrar_version"`
	Revision      string       `json:"revision,omitempty"`
	SchemaVersion int          `json:"schema_version"`
	Created       time.Time    `json:"created"`
	Origin        string       `json:"origin,omitempty"`
	LogSize       int64        `json:"log_size"`
	LogRoot       string       `json:"log_root,omitempty"`
	Files         []backupFile `json:"files"`
}

type backupFile struct {
	Path   string `json:"path"`
	Size   int64  `json:"size"`
	SHA256 string `json:"sha256"`
}

// backupPath is the shape of every path a backup may hold: a file of the
// data directory or of its keys/ directory, nothing else.
var backupPath = regexp.MustCompile(`^(keys/)?[A-Za-z0-9][A-Za-z0-9._+-]*$`)

func cmdBackup(ctx context.Context, args []string, stdout, stderr io.Writer, getenv func(string) string) error {
	fs := flag.NewFlagSet("backup", flag.ContinueOnError)
	dir := dataFlag(fs, getenv)
	if err := parseFlags(fs, args, stderr); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		return exitError{code: 2, msg: "usage: ikrar backup --data DIR FILE"}
	}
	if getenv("IKRAR_DATABASE") != "" || getenv("IKRAR_DATABASE_FILE") != "" {
		// The registry is in PostgreSQL: an archive of DIR alone would
		// hold its keys but none of its records.
		return exitError{code: 2, msg: "ikrar backup archives an SQLite registry (DIR/ikrar.db); with IKRAR_DATABASE set, back up PostgreSQL with pg_dump and the data directory's keys/, secret.key and origin beside it (docs/DEPLOY.md §9)"}
	}
	m, err := writeBackup(ctx, *dir, fs.Arg(0), progressFor(stderr, getenv))
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "cadangan ditulis / backup written: %s\n", fs.Arg(0))
	fmt.Fprintf(stdout, "  log: %d entri / leaves, root %s; skema / schema %d; %d berkas / files\n", m.LogSize, m.LogRoot, m.SchemaVersion, len(m.Files))
	return nil
}

// writeBackup archives the data directory dir into file, which it creates
// (never over an existing file) readable by its owner only.
func writeBackup(ctx context.Context, dir, file string, prog progressTo) (m backupManifest, err error) {
	dbPath := filepath.Join(dir, "ikrar.db")
	if _, err := os.Stat(dbPath); err != nil {
		return m, exitError{code: 1, msg: fmt.Sprintf("tidak ada basis data ikrar di %s / no ikrar database in %s: %v", dir, dir, err)}
	}
	out, err := os.OpenFile(file, os.O_WRONLY|os.O_CREATE|os.O_EXCL, private.FileMode)
	if errors.Is(err, fs.ErrExist) {
		return m, exitError{code: 1, msg: fmt.Sprintf("%s sudah ada; ikrar tidak menimpa cadangan / %s already exists; ikrar never writes a backup over a file", file, file)}
	}
	if err != nil {
		return m, fmt.Errorf("create backup: %w", err)
	}
	stage, err := os.MkdirTemp(filepath.Dir(file), ".ikrar-backup-")
	if err != nil {
		out.Close()
		os.Remove(file)
		return m, fmt.Errorf("create staging directory: %w", err)
	}
	defer os.RemoveAll(stage)
	defer func() {
		if err != nil {
			out.Close()
			os.Remove(file)
		}
	}()

	// The keys first, the database after: keys/last-checkpoint then covers
	// no more than the copy of the database holds, as in the audit.
	var names []string
	for _, name := range []string{"secret.key", "origin"} {
		if err := stageFile(filepath.Join(dir, name), filepath.Join(stage, name)); errors.Is(err, fs.ErrNotExist) {
			continue
		} else if err != nil {
			return m, err
		}
		names = append(names, name)
	}
	keys, err := os.ReadDir(filepath.Join(dir, "keys"))
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return m, fmt.Errorf("read keys: %w", err)
	}
	if len(keys) > 0 {
		if err := os.Mkdir(filepath.Join(stage, "keys"), private.DirMode); err != nil {
			return m, err
		}
	}
	for _, k := range keys {
		name := "keys/" + k.Name()
		if !k.Type().IsRegular() || !backupPath.MatchString(name) {
			return m, exitError{code: 1, msg: fmt.Sprintf("%s: bukan berkas biasa / not a plain file; ikrar keeps only files in keys/", filepath.Join(dir, name))}
		}
		if err := stageFile(filepath.Join(dir, name), filepath.Join(stage, name)); err != nil {
			return m, err
		}
		names = append(names, name)
	}

	view, err := sqlite.OpenCopySource(dbPath)
	if err != nil {
		return m, exitError{code: 1, msg: err.Error()}
	}
	schema := view.SchemaVersion()
	err = copyDatabase(ctx, view, dbPath, filepath.Join(stage, "ikrar.db"), prog)
	view.Close()
	if err != nil {
		return m, err
	}
	names = append(names, "ikrar.db")
	sort.Strings(names)

	m = backupManifest{Format: backupFormat, Created: time.Now().UTC(), SchemaVersion: schema}
	m.IkrarVersion, m.Revision = buildVersion()
	if m.LogSize, m.LogRoot, err = logHead(ctx, filepath.Join(stage, "ikrar.db")); err != nil {
		return m, err
	}
	if origin, err := readOrigin(filepath.Join(stage, "origin")); err == nil {
		m.Origin = origin
	}
	for _, name := range names {
		f, err := hashFile(filepath.Join(stage, name))
		if err != nil {
			return m, err
		}
		f.Path = name
		m.Files = append(m.Files, f)
	}
	if err := writeArchive(out, stage, m, prog); err != nil {
		return m, fmt.Errorf("write backup %s: %w", file, err)
	}
	if err := out.Close(); err != nil {
		return m, fmt.Errorf("write backup %s: %w", file, err)
	}
	return m, nil
}

// logHead reads the log's size and root from the database file.
func logHead(ctx context.Context, dbPath string) (int64, string, error) {
	view, err := sqlite.OpenCopySource(dbPath)
	if err != nil {
		return 0, "", err
	}
	defer view.Close()
	size, root, err := view.Head(ctx)
	if err != nil {
		return 0, "", err
	}
	if size == 0 {
		return 0, "", nil
	}
	return size, root.String(), nil
}

// stageFile copies one file of the data directory.
func stageFile(src, dst string) error {
	b, err := os.ReadFile(src)
	if err != nil {
		return err
	}
	return os.WriteFile(dst, b, private.FileMode)
}

func hashFile(path string) (backupFile, error) {
	f, err := os.Open(path)
	if err != nil {
		return backupFile{}, err
	}
	defer f.Close()
	h := sha256.New()
	n, err := io.Copy(h, f)
	if err != nil {
		return backupFile{}, fmt.Errorf("read %s: %w", path, err)
	}
	return backupFile{Size: n, SHA256: hex.EncodeToString(h.Sum(nil))}, nil
}

// copyDatabase copies the database through view into dst. VACUUM INTO
// says nothing while it runs: the copy's growth, against the size of the
// live file, is its progress.
func copyDatabase(ctx context.Context, view *sqlite.LogView, src, dst string, prog progressTo) error {
	var total int64
	if fi, err := os.Stat(src); err == nil {
		total = fi.Size()
	}
	meter := prog.startBytes("cadangan/backup: basis data/database", total)
	stop := make(chan struct{})
	watched := make(chan struct{})
	go func() {
		defer close(watched)
		tick := time.NewTicker(250 * time.Millisecond)
		defer tick.Stop()
		for {
			select {
			case <-stop:
				return
			case <-tick.C:
				if fi, err := os.Stat(dst); err == nil {
					meter.Set(min(fi.Size(), total))
				}
			}
		}
	}()
	err := view.Backup(ctx, dst)
	close(stop)
	<-watched
	if err == nil {
		meter.Set(total) // the copy has no free pages: it may end smaller
	}
	meter.Done()
	return err
}

// writeArchive writes the manifest, then every file it lists, and syncs.
func writeArchive(out *os.File, stage string, m backupManifest, prog progressTo) error {
	manifest, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		return err
	}
	zw := gzip.NewWriter(out)
	tw := tar.NewWriter(zw)
	hdr := func(name string, size int64) *tar.Header {
		return &tar.Header{Name: name, Size: size, Mode: int64(private.FileMode), ModTime: m.Created, Typeflag: tar.TypeReg, Format: tar.FormatPAX}
	}
	if err := tw.WriteHeader(hdr(manifestName, int64(len(manifest)))); err != nil {
		return err
	}
	if _, err := tw.Write(manifest); err != nil {
		return err
	}
	var total int64
	for _, f := range m.Files {
		total += f.Size
	}
	meter := prog.startBytes("cadangan/backup: arsip/archive", total)
	defer meter.Done()
	for _, f := range m.Files {
		if err := tw.WriteHeader(hdr(f.Path, f.Size)); err != nil {
			return err
		}
		src, err := os.Open(filepath.Join(stage, f.Path))
		if err != nil {
			return err
		}
		_, err = io.Copy(tw, countingReader{r: src, m: meter})
		src.Close()
		if err != nil {
			return err
		}
	}
	if err := errors.Join(tw.Close(), zw.Close()); err != nil {
		return err
	}
	return out.Sync()
}

func cmdRestore(ctx context.Context, args []string, stdout, stderr io.Writer, getenv func(string) string) error {
	fs := flag.NewFlagSet("restore", flag.ContinueOnError)
	dir := fs.String("data", "", "the data directory to restore into: absent or empty")
	// ikrar restore FILE --data DIR: the archive may come before the flags.
	var file string
	if len(args) > 0 && !strings.HasPrefix(args[0], "-") {
		file, args = args[0], args[1:]
	}
	if err := parseFlags(fs, args, stderr); err != nil {
		return err
	}
	if file == "" && fs.NArg() == 1 {
		file = fs.Arg(0)
	} else if fs.NArg() != 0 {
		file = ""
	}
	if file == "" || *dir == "" {
		return exitError{code: 2, msg: "usage: ikrar restore FILE --data DIR"}
	}
	prog := progressFor(stderr, getenv)
	m, err := restoreBackup(*dir, file, prog)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "dipulihkan / restored: %s → %s (%d berkas / files, SHA-256 cocok / match)\n", file, *dir, len(m.Files))
	fmt.Fprintf(stdout, "  dibuat / made: %s by ikrar %s %s, skema / schema %d\n", m.Created.Format(time.RFC3339), m.IkrarVersion, m.Revision, m.SchemaVersion)
	if !hasKeys(filepath.Join(*dir, "keys")) {
		if m.LogSize > 0 {
			return exitError{code: 1, msg: "the backup holds a log but no keys: it cannot be audited or served"}
		}
		fmt.Fprintln(stdout, "log masih kosong, tidak ada yang diaudit / the log is empty: nothing to audit")
		return nil
	}
	return auditLocal(ctx, *dir, "", witnessPolicy{}, defaultBackdateTolerance, stdout, prog)
}

// restoreBackup unpacks the archive file into dir, which must be absent
// or empty. Nothing is kept unless every file is there and matches its
// manifest entry.
func restoreBackup(dir, file string, prog progressTo) (m backupManifest, err error) {
	entries, err := os.ReadDir(dir)
	created := errors.Is(err, fs.ErrNotExist)
	switch {
	case created:
		if err := private.MkdirAll(dir); err != nil {
			return m, fmt.Errorf("create %s: %w", dir, err)
		}
	case err != nil:
		return m, exitError{code: 1, msg: fmt.Sprintf("%s: %v", dir, err)}
	case len(entries) > 0:
		return m, exitError{code: 1, msg: fmt.Sprintf("%s tidak kosong; pemulihan hanya ke direktori kosong / %s is not empty; restore only into an empty or absent directory", dir, dir)}
	default:
		if err := private.MkdirAll(dir); err != nil {
			return m, err
		}
	}
	defer func() {
		if err == nil {
			return
		}
		if created {
			os.RemoveAll(dir)
			return
		}
		leftovers, _ := os.ReadDir(dir)
		for _, e := range leftovers {
			os.RemoveAll(filepath.Join(dir, e.Name()))
		}
	}()
	refuse := func(format string, args ...any) error {
		return exitError{code: 1, msg: fmt.Sprintf("cadangan ditolak / backup refused: %s: ", file) + fmt.Sprintf(format, args...)}
	}

	in, err := os.Open(file)
	if err != nil {
		return m, exitError{code: 1, msg: err.Error()}
	}
	defer in.Close()
	var size int64
	if fi, err := in.Stat(); err == nil {
		size = fi.Size()
	}
	meter := prog.startBytes("pulihkan/restore", size)
	defer meter.Done()
	zr, err := gzip.NewReader(countingReader{r: in, m: meter})
	if err != nil {
		return m, refuse("not a gzip archive: %v", err)
	}
	tr := tar.NewReader(zr)
	h, err := tr.Next()
	if err != nil || h.Name != manifestName || h.Typeflag != tar.TypeReg || h.Size > maxManifest {
		return m, refuse("the first entry must be %s of at most %d bytes (%v)", manifestName, maxManifest, err)
	}
	body, err := io.ReadAll(io.LimitReader(tr, maxManifest))
	if err != nil {
		return m, refuse("read %s: %v", manifestName, err)
	}
	if err := json.Unmarshal(body, &m); err != nil {
		return m, refuse("%s: %v", manifestName, err)
	}
	if m.Format != backupFormat {
		return m, refuse("format %q, this ikrar reads %q", m.Format, backupFormat)
	}
	want := map[string]backupFile{}
	for _, f := range m.Files {
		if !backupPath.MatchString(f.Path) {
			return m, refuse("the manifest names %q, which is not a file of a data directory", f.Path)
		}
		limit := int64(maxSmallFile)
		if f.Path == "ikrar.db" {
			limit = maxDatabase
		}
		if f.Size < 0 || f.Size > limit {
			return m, refuse("%s: %d bytes, more than the %d a backup may hold", f.Path, f.Size, limit)
		}
		want[f.Path] = f
	}
	if _, ok := want["ikrar.db"]; !ok {
		return m, refuse("the manifest lists no ikrar.db")
	}

	done := map[string]bool{}
	for {
		h, err := tr.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return m, refuse("%v", err)
		}
		f, ok := want[h.Name]
		switch {
		case !ok:
			return m, refuse("entry %q is not in the manifest (a path outside the data directory, or added after the backup was made)", h.Name)
		case done[h.Name]:
			return m, refuse("entry %q appears twice", h.Name)
		case h.Typeflag != tar.TypeReg:
			return m, refuse("entry %q is not a plain file", h.Name)
		case h.Size != f.Size:
			return m, refuse("entry %q is %d bytes, the manifest says %d", h.Name, h.Size, f.Size)
		}
		if err := restoreFile(tr, filepath.Join(dir, filepath.FromSlash(f.Path)), f); err != nil {
			return m, refuse("%v", err)
		}
		done[h.Name] = true
	}
	for _, f := range m.Files {
		if !done[f.Path] {
			return m, refuse("%s is in the manifest but not in the archive (truncated?)", f.Path)
		}
	}
	size, root, err := logHead(context.Background(), filepath.Join(dir, "ikrar.db"))
	if err != nil {
		return m, refuse("%v", err)
	}
	if size != m.LogSize || root != m.LogRoot {
		return m, refuse("the database holds a log of %d leaves with root %q, the manifest says %d and %q", size, root, m.LogSize, m.LogRoot)
	}
	return m, nil
}

// restoreFile writes one entry, owner-only, and checks its SHA-256.
func restoreFile(r io.Reader, path string, f backupFile) error {
	if err := private.MkdirAll(filepath.Dir(path)); err != nil {
		return err
	}
	out, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, private.FileMode)
	if err != nil {
		return err
	}
	h := sha256.New()
	n, err := io.Copy(io.MultiWriter(out, h), io.LimitReader(r, f.Size))
	if err == nil && n != f.Size {
		err = fmt.Errorf("%s: %d bytes, want %d", f.Path, n, f.Size)
	}
	if err == nil {
		err = out.Sync()
	}
	if err := errors.Join(err, out.Close()); err != nil {
		return err
	}
	if sum := hex.EncodeToString(h.Sum(nil)); sum != f.SHA256 {
		return fmt.Errorf("%s: SHA-256 %s, the manifest says %s: the archive was changed or damaged", f.Path, sum, f.SHA256)
	}
	return nil
}
