// Package progress shows how far a long command has got: on a terminal, a
// bar with the rate and the time left; elsewhere (a log file, systemd's
// journal, a pipe), a plain line now and then, and nothing at all for work
// that ends before the first line is due.
package progress

import (
	"fmt"
	"io"
	"os"
	"sync"
	"time"

	"github.com/schollz/progressbar/v3"
	"golang.org/x/term"
)

// DefaultEvery is how often a plain progress line is written when the
// output is not a terminal.
const DefaultEvery = 10 * time.Second

// Options say where and how progress is shown.
type Options struct {
	// Terminal draws a bar; false writes plain lines. Detect sets it from
	// the writer.
	Terminal bool
	// Every is the time between plain lines (DefaultEvery when zero).
	Every time.Duration
	// Now is the clock (time.Now when nil).
	Now func() time.Time
}

// Detect returns the options for writing to w: a bar when w is a terminal.
func Detect(w io.Writer) Options {
	f, ok := w.(*os.File)
	return Options{Terminal: ok && term.IsTerminal(int(f.Fd()))}
}

// A Meter counts the work done of one step. Its methods may be called
// from several goroutines.
type Meter struct {
	w      io.Writer
	label  string
	unit   string
	bytes  bool
	total  int64
	every  time.Duration
	now    func() time.Time
	bar    *progressbar.ProgressBar
	mu     sync.Mutex
	done   int64
	start  time.Time
	next   time.Time
	lines  int
	closed bool
	counts bool          // false for a step that only runs: no counts
	stop   chan struct{} // ends the heartbeat
}

// Start begins counting total items of unit (a plural noun: "entri/leaves",
// "baris/rows") under label; total 0 means not known beforehand.
func Start(w io.Writer, label string, total int64, unit string, o Options) *Meter {
	return start(w, label, total, unit, false, o)
}

// StartBytes begins counting total bytes.
func StartBytes(w io.Writer, label string, total int64, o Options) *Meter {
	return start(w, label, total, "B", true, o)
}

// StartStep begins a step that cannot count its work (one long statement,
// a file parsed whole): a spinner on a terminal, else a line now and then
// saying it still runs.
func StartStep(w io.Writer, label string, o Options) *Meter {
	return start(w, label, -1, "", false, o)
}

func start(w io.Writer, label string, total int64, unit string, bytes bool, o Options) *Meter {
	m := &Meter{w: w, label: label, unit: unit, bytes: bytes, total: max(total, 0), every: o.Every, now: o.Now, counts: total >= 0}
	if m.every <= 0 {
		m.every = DefaultEvery
	}
	if m.now == nil {
		m.now = time.Now
	}
	m.start = m.now()
	m.next = m.start.Add(m.every)
	if o.Terminal {
		max := total
		if max <= 0 {
			max = -1 // a spinner
		}
		opts := []progressbar.Option{
			progressbar.OptionSetWriter(w),
			progressbar.OptionSetDescription(label),
			progressbar.OptionSetWidth(24),
			progressbar.OptionThrottle(100 * time.Millisecond),
			progressbar.OptionShowCount(),
			progressbar.OptionSetPredictTime(true),
			progressbar.OptionShowElapsedTimeOnFinish(),
			progressbar.OptionOnCompletion(func() { fmt.Fprintln(w) }),
		}
		if bytes {
			opts = append(opts, progressbar.OptionShowBytes(true))
		} else {
			opts = append(opts, progressbar.OptionShowIts(), progressbar.OptionSetItsString(unit))
		}
		m.bar = progressbar.NewOptions64(max, opts...)
		if total < 0 {
			m.bar.RenderBlank() //nolint:errcheck
		}
		return m
	}
	if o.Now == nil {
		// On the real clock, a step that makes no progress for a while
		// (one long statement) still says, now and then, that it runs.
		m.stop = make(chan struct{})
		go m.heartbeat(max(m.every, 50*time.Millisecond))
	}
	return m
}

func (m *Meter) heartbeat(every time.Duration) {
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		select {
		case <-m.stop:
			return
		case <-t.C:
			m.mu.Lock()
			if now := m.now(); !m.closed && !now.Before(m.next) {
				m.line(now, false)
				m.next = now.Add(m.every)
			}
			m.mu.Unlock()
		}
	}
}

// Add counts n more items done.
func (m *Meter) Add(n int64) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.set(m.done + n)
}

// Set says that n items are done in all.
func (m *Meter) Set(n int64) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.set(n)
}

func (m *Meter) set(n int64) {
	if m.closed || n == m.done {
		return
	}
	if m.bar != nil {
		m.bar.Add64(n - m.done) //nolint:errcheck // progress is best effort
		m.done = n
		return
	}
	m.done = n
	if m.total > 0 && n >= m.total {
		return // Done says it, with the time taken
	}
	if now := m.now(); !now.Before(m.next) {
		m.line(now, false)
		m.next = now.Add(m.every)
	}
}

// Done ends the step: the bar is completed; a plain final line is written
// only if a progress line was, so that short work stays silent.
func (m *Meter) Done() {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.closed {
		return
	}
	m.closed = true
	if m.stop != nil {
		close(m.stop)
	}
	if m.bar != nil {
		if !m.counts {
			m.bar.Finish() //nolint:errcheck
			return
		}
		if m.total > 0 && m.done < m.total {
			m.bar.Exit() //nolint:errcheck
			fmt.Fprintln(m.w)
			return
		}
		m.bar.Finish() //nolint:errcheck
		return
	}
	// Work that took an interval or more ends with a line; shorter work
	// stays silent.
	if now := m.now(); m.lines > 0 || !now.Before(m.start.Add(m.every)) {
		m.line(now, true)
	}
}

// line writes one plain progress line: what is done, of how much, the
// rate so far and, when the total is known, the time left at that rate.
func (m *Meter) line(now time.Time, final bool) {
	m.lines++
	elapsed := now.Sub(m.start)
	if !m.counts {
		if final {
			fmt.Fprintf(m.w, "%s: selesai/done, %s\n", m.label, round(elapsed))
		} else {
			fmt.Fprintf(m.w, "%s: berjalan/running, %s\n", m.label, round(elapsed))
		}
		return
	}
	rate := 0.0
	if s := elapsed.Seconds(); s > 0 {
		rate = float64(m.done) / s
	}
	count := m.num(m.done) + m.suffix()
	if m.total > 0 {
		count = fmt.Sprintf("%s / %s%s (%d%%)", m.num(m.done), m.num(m.total), m.suffix(), m.done*100/m.total)
	}
	if final {
		fmt.Fprintf(m.w, "%s: %s, %s, %s/s\n", m.label, count, round(elapsed), m.num(int64(rate+0.5)))
		return
	}
	left := ""
	if m.total > 0 && rate > 0 && m.done < m.total {
		left = ", sisa/left ±" + round(time.Duration(float64(m.total-m.done)/rate*float64(time.Second)))
	}
	fmt.Fprintf(m.w, "%s: %s, %s/s%s\n", m.label, count, m.num(int64(rate+0.5)), left)
}

// num gives a count, or bytes in KiB or MiB.
func (m *Meter) num(n int64) string {
	if m.bytes {
		return mib(float64(n))
	}
	return fmt.Sprintf("%d", n)
}

func (m *Meter) suffix() string {
	if m.bytes {
		return ""
	}
	return " " + m.unit
}

func mib(n float64) string {
	if n < 1<<20 {
		return fmt.Sprintf("%.0f KiB", n/(1<<10))
	}
	return fmt.Sprintf("%.1f MiB", n/(1<<20))
}

// round gives a duration as people read it: seconds, or minutes and
// seconds.
func round(d time.Duration) string {
	if d < time.Second {
		return d.Round(time.Millisecond).String()
	}
	return d.Round(time.Second).String()
}
