package main

import (
	"io"
	"time"

	"github.com/ikrar-id/ikrar/internal/progress"
	"github.com/ikrar-id/ikrar/internal/registry"
)

// progressTo is where a long command shows how far it has got: stderr, so
// that stdout keeps only the result. On a terminal it draws a bar; in a
// log or a pipe it writes a plain line every IKRAR_PROGRESS_EVERY (a Go
// duration, default 10s; 0 or "off" for none).
type progressTo struct {
	w io.Writer
	o progress.Options
}

func progressFor(stderr io.Writer, getenv func(string) string) progressTo {
	p := progressTo{w: stderr, o: progress.Detect(stderr)}
	switch v := getenv("IKRAR_PROGRESS_EVERY"); v {
	case "":
	case "0", "off":
		p.w = io.Discard
		p.o.Terminal = false
	default:
		if d, err := time.ParseDuration(v); err == nil && d > 0 {
			p.o.Every = d
		}
	}
	return p
}

// noProgress shows nothing.
var noProgress = progressTo{w: io.Discard}

func (p progressTo) start(label string, total int64, unit string) *progress.Meter {
	if p.w == nil {
		p.w = io.Discard
	}
	return progress.Start(p.w, label, total, unit, p.o)
}

func (p progressTo) startBytes(label string, total int64) *progress.Meter {
	if p.w == nil {
		p.w = io.Discard
	}
	return progress.StartBytes(p.w, label, total, p.o)
}

// step shows a step that cannot count its work.
func (p progressTo) step(label string) *progress.Meter {
	if p.w == nil {
		p.w = io.Discard
	}
	return progress.StartStep(p.w, label, p.o)
}

// importProgress shows a roster import's steps, one meter each.
func (p progressTo) importProgress() (registry.ImportProgress, func()) {
	var cur *progress.Meter
	step := registry.ImportStep(-1)
	labels := map[registry.ImportStep]string{
		registry.ImportChecking: "impor/import: periksa/check",
		registry.ImportWriting:  "impor/import: tulis/write",
		registry.ImportMerging:  "impor/import: gabung/merge",
	}
	report := func(s registry.ImportStep, done, total int) {
		if s != step {
			if cur != nil {
				cur.Done()
			}
			step = s
			if s == registry.ImportMerging {
				cur = p.step(labels[s]) // one statement: no counts
			} else {
				cur = p.start(labels[s], int64(total), "baris/rows")
			}
		}
		cur.Set(int64(done))
	}
	return report, func() {
		if cur != nil {
			cur.Done()
		}
	}
}

// countingReader counts the bytes read through it into a meter.
type countingReader struct {
	r io.Reader
	m *progress.Meter
}

func (c countingReader) Read(b []byte) (int, error) {
	n, err := c.r.Read(b)
	c.m.Add(int64(n))
	return n, err
}
