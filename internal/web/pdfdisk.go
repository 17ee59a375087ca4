package web

import (
	"container/list"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/ikrar-id/ikrar/internal/private"
)

// pdfDisk keeps issued certificates as files, bounded by total bytes, so
// that re-downloads beyond the memory cache cost a file read rather than a
// render: at national scale a re-download of any certificate is as cheap
// as a static file. A file is a copy, never the record: it is checked
// against the record's fingerprint before it is served, removed when the
// record's personal data is erased, and the whole directory may be
// deleted at any time (certificates are rendered again, byte-identical).
type pdfDisk struct {
	dir string
	max int64
	log *slog.Logger

	dirs sync.Map // shard directories known to exist

	mu    sync.Mutex
	size  int64
	order *list.List // front: most recently written or served
	byKey map[string]*list.Element
}

type diskEntry struct {
	code string
	size int64
}

// openPDFDisk indexes the files already in dir (created if missing),
// oldest first, and trims them to maxBytes.
func openPDFDisk(dir string, maxBytes int64, log *slog.Logger) (*pdfDisk, error) {
	if err := private.MkdirAll(dir); err != nil {
		return nil, fmt.Errorf("certificate cache: %w", err)
	}
	d := &pdfDisk{dir: dir, max: maxBytes, log: log, order: list.New(), byKey: map[string]*list.Element{}}
	type found struct {
		code string
		size int64
		mod  time.Time
	}
	var files []found
	err := filepath.WalkDir(dir, func(path string, e fs.DirEntry, err error) error {
		if err != nil || e.IsDir() {
			return err
		}
		name := e.Name()
		if strings.HasPrefix(name, ".tmp-") { // a write cut short
			return os.Remove(path)
		}
		code, ok := strings.CutSuffix(name, ".pdf")
		if !ok || !validCacheCode(code) {
			return nil
		}
		info, err := e.Info()
		if err != nil {
			return err
		}
		files = append(files, found{code, info.Size(), info.ModTime()})
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("certificate cache: %w", err)
	}
	slices.SortFunc(files, func(a, b found) int { return a.mod.Compare(b.mod) })
	for _, f := range files {
		d.byKey[f.code] = d.order.PushFront(&diskEntry{f.code, f.size})
		d.size += f.size
	}
	d.mu.Lock()
	d.trim()
	d.mu.Unlock()
	return d, nil
}

// validCacheCode accepts certificate codes only: the file name is built
// from it.
func validCacheCode(code string) bool {
	if len(code) < 4 || len(code) > 32 {
		return false
	}
	for _, r := range code {
		if !('0' <= r && r <= '9' || 'A' <= r && r <= 'Z') {
			return false
		}
	}
	return true
}

func (d *pdfDisk) path(code string) string {
	return filepath.Join(d.dir, code[:2], code+".pdf")
}

// get returns the stored certificate of code if its SHA-256 is hash.
func (d *pdfDisk) get(code, hash string) ([]byte, bool) {
	if hash == "" || !validCacheCode(code) {
		return nil, false
	}
	d.mu.Lock()
	el, ok := d.byKey[code]
	if ok {
		d.order.MoveToFront(el)
	}
	d.mu.Unlock()
	if !ok {
		return nil, false
	}
	pdf, err := os.ReadFile(d.path(code))
	if err != nil {
		d.drop(code)
		return nil, false
	}
	if sum := sha256.Sum256(pdf); hex.EncodeToString(sum[:]) != hash {
		d.log.Warn("certificate cache: a stored PDF does not match its fingerprint; removed", "code", code)
		d.drop(code)
		return nil, false
	}
	return pdf, true
}

// put stores a certificate, replacing nothing: an existing copy is the
// same bytes.
func (d *pdfDisk) put(code string, pdf []byte) {
	if !validCacheCode(code) || int64(len(pdf)) > d.max {
		return
	}
	d.mu.Lock()
	_, ok := d.byKey[code]
	d.mu.Unlock()
	if ok {
		return
	}
	if err := d.write(code, pdf); err != nil {
		d.log.Warn("certificate cache: write failed", "code", code, "err", err)
		return
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	if _, ok := d.byKey[code]; ok {
		return
	}
	d.byKey[code] = d.order.PushFront(&diskEntry{code, int64(len(pdf))})
	d.size += int64(len(pdf))
	d.trim()
}

// write creates the file; no temporary file and rename, no fsync. A copy
// cut short by a crash fails its fingerprint when read and is replaced,
// and no reader sees a file before it is indexed, after the write. (The
// temporary file and rename cost a third of a first download's CPU.)
func (d *pdfDisk) write(code string, pdf []byte) error {
	path := d.path(code)
	dir := filepath.Dir(path)
	if _, ok := d.dirs.Load(dir); !ok {
		if err := os.MkdirAll(dir, private.DirMode); err != nil {
			return err
		}
		d.dirs.Store(dir, true)
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, private.FileMode)
	if err != nil {
		return err
	}
	_, err = f.Write(pdf)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		os.Remove(path)
	}
	return err
}

// trim removes the least recently used files beyond the bound; d.mu is
// held.
func (d *pdfDisk) trim() {
	for d.size > d.max {
		last := d.order.Back()
		e := last.Value.(*diskEntry)
		d.order.Remove(last)
		delete(d.byKey, e.code)
		d.size -= e.size
		if err := os.Remove(d.path(e.code)); err != nil && !os.IsNotExist(err) {
			d.log.Warn("certificate cache: remove failed", "code", e.code, "err", err)
		}
	}
}

// drop removes a certificate's file, if there is one.
func (d *pdfDisk) drop(code string) {
	if !validCacheCode(code) {
		return
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	if el, ok := d.byKey[code]; ok {
		d.order.Remove(el)
		delete(d.byKey, code)
		d.size -= el.Value.(*diskEntry).size
	}
	if err := os.Remove(d.path(code)); err != nil && !os.IsNotExist(err) {
		d.log.Warn("certificate cache: remove failed", "code", code, "err", err)
	}
}
