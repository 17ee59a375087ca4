package progress

import (
	"bytes"
	"strings"
	"sync"
	"testing"
	"time"
)

// clock is a clock the test moves by hand.
type clock struct{ t time.Time }

func (c *clock) now() time.Time { return c.t }

func TestPlainLinesNowAndThen(t *testing.T) {
	var out bytes.Buffer
	c := &clock{t: time.Date(2026, 12, 7, 9, 0, 0, 0, time.UTC)}
	m := Start(&out, "audit", 1000, "entri/leaves", Options{Every: 10 * time.Second, Now: c.now})
	m.Add(100)
	c.t = c.t.Add(5 * time.Second)
	m.Add(100)
	if out.Len() != 0 {
		t.Fatalf("a line before the first interval: %q", out.String())
	}
	c.t = c.t.Add(5 * time.Second) // 10 s in, 250 done: 25/s, 750 left: 30 s
	m.Add(50)
	want := "audit: 250 / 1000 entri/leaves (25%), 25/s, sisa/left ±30s\n"
	if out.String() != want {
		t.Fatalf("first line %q, want %q", out.String(), want)
	}
	c.t = c.t.Add(time.Second)
	m.Add(10) // within the next interval: no line
	if strings.Count(out.String(), "\n") != 1 {
		t.Fatalf("a second line within the interval: %q", out.String())
	}
	c.t = c.t.Add(9 * time.Second)
	m.Set(1000)
	c.t = c.t.Add(time.Second)
	m.Done()
	lines := strings.Split(strings.TrimSpace(out.String()), "\n")
	// 1000 of 1000 at 20 s is not said twice: the final line says it
	// with the time taken.
	if len(lines) != 2 || lines[1] != "audit: 1000 / 1000 entri/leaves (100%), 21s, 48/s" {
		t.Fatalf("lines %q", lines)
	}
	m.Add(5)
	m.Done()
	if strings.Count(out.String(), "\n") != 2 {
		t.Fatalf("written after Done: %q", out.String())
	}
}

func TestShortWorkIsSilent(t *testing.T) {
	var out bytes.Buffer
	m := Start(&out, "impor", 10, "baris/rows", Options{})
	m.Add(10)
	m.Done()
	if out.Len() != 0 {
		t.Fatalf("short work wrote %q", out.String())
	}
}

func TestBytesAndUnknownTotal(t *testing.T) {
	var out bytes.Buffer
	c := &clock{t: time.Unix(0, 0)}
	m := StartBytes(&out, "cadangan/backup", 0, Options{Every: time.Second, Now: c.now})
	c.t = c.t.Add(2 * time.Second)
	m.Set(6 << 20)
	if want := "cadangan/backup: 6.0 MiB, 3.0 MiB/s\n"; out.String() != want {
		t.Fatalf("got %q, want %q", out.String(), want)
	}
}

func TestTerminalBar(t *testing.T) {
	var out bytes.Buffer
	m := Start(&out, "audit", 200, "entri/leaves", Options{Terminal: true})
	for range 200 {
		m.Add(1)
	}
	m.Done()
	s := out.String()
	for _, want := range []string{"audit", "100%", "(200/200", "entri/leaves/s"} {
		if !strings.Contains(s, want) {
			t.Errorf("bar %q lacks %q", s, want)
		}
	}
}

func TestTerminalBarCutShort(t *testing.T) {
	var out bytes.Buffer
	m := Start(&out, "pulihkan/restore", 100, "entri/leaves", Options{Terminal: true})
	m.Add(30)
	m.Done()
	if s := out.String(); strings.Contains(s, "100%") || !strings.HasSuffix(s, "\n") {
		t.Fatalf("a bar cut short reads %q", s)
	}
}

// lockedBuffer is written by the meter's heartbeat while the test reads.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// TestStepSaysItRuns: a step that cannot count (one long statement) says
// now and then that it still runs, and ends with the time it took.
func TestStepSaysItRuns(t *testing.T) {
	var out lockedBuffer
	m := StartStep(&out, "impor/import: gabung/merge", Options{Every: 10 * time.Millisecond})
	deadline := time.Now().Add(10 * time.Second)
	for !strings.Contains(out.String(), "impor/import: gabung/merge: berjalan/running, ") {
		if time.Now().After(deadline) {
			t.Fatalf("no running line in 10 s: %q", out.String())
		}
		time.Sleep(5 * time.Millisecond)
	}
	m.Done()
	lines := strings.Split(strings.TrimSpace(out.String()), "\n")
	if last := lines[len(lines)-1]; !strings.HasPrefix(last, "impor/import: gabung/merge: selesai/done, ") {
		t.Fatalf("last line %q", last)
	}
	n := len(out.String())
	time.Sleep(30 * time.Millisecond)
	if len(out.String()) != n {
		t.Fatalf("lines after Done: %q", out.String())
	}
}

func TestStepOnTerminalSpins(t *testing.T) {
	var out bytes.Buffer
	m := StartStep(&out, "impor/import: baca/read", Options{Terminal: true})
	m.Done()
	if s := out.String(); !strings.Contains(s, "impor/import: baca/read") {
		t.Fatalf("spinner %q", s)
	}
}
