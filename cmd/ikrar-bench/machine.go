package main

import (
	"bufio"
	"bytes"
	"os"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"time"
)

// machine describes where the figures were measured.
type machine struct {
	NProc      int     `json:"nproc"`
	CPU        string  `json:"cpu"`
	MemTotalMB float64 `json:"mem_total_mb"`
	Kernel     string  `json:"kernel"`
	GoVersion  string  `json:"go_version"`
	GOMAXPROCS int     `json:"gomaxprocs"`
	LoadAvg    string  `json:"loadavg_at_start"`
}

func describeMachine() machine {
	m := machine{NProc: runtime.NumCPU(), GoVersion: runtime.Version(), GOMAXPROCS: runtime.GOMAXPROCS(0)}
	if b, err := os.ReadFile("/proc/cpuinfo"); err == nil {
		sc := bufio.NewScanner(bytes.NewReader(b))
		for sc.Scan() {
			if k, v, ok := strings.Cut(sc.Text(), ":"); ok && strings.TrimSpace(k) == "model name" {
				m.CPU = strings.TrimSpace(v)
				break
			}
		}
	}
	if b, err := os.ReadFile("/proc/meminfo"); err == nil {
		m.MemTotalMB = float64(procKB(string(b), "MemTotal:")) / 1024
	}
	if b, err := os.ReadFile("/proc/sys/kernel/osrelease"); err == nil {
		m.Kernel = strings.TrimSpace(string(b))
	}
	m.LoadAvg = loadAvg()
	return m
}

// loadAvg is the machine's load average over 1, 5 and 15 minutes.
func loadAvg() string {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return ""
	}
	f := strings.Fields(string(b))
	return strings.Join(f[:min(3, len(f))], " ")
}

// procKB reads a "Key:   1234 kB" line of a /proc file; -1 if absent.
func procKB(text, key string) int64 {
	for line := range strings.Lines(text) {
		if rest, ok := strings.CutPrefix(line, key); ok {
			f := strings.Fields(rest)
			if len(f) > 0 {
				if n, err := strconv.ParseInt(f[0], 10, 64); err == nil {
					return n
				}
			}
		}
	}
	return -1
}

// rssSampler reads a process's resident set size every 250 ms and keeps
// the peak since the last reset; VmHWM is the kernel's peak over the
// process's whole life.
type rssSampler struct {
	pid  int
	mu   sync.Mutex
	peak int64 // kB
	stop chan struct{}
	done chan struct{}
}

func sampleRSS(pid int) *rssSampler {
	s := &rssSampler{pid: pid, stop: make(chan struct{}), done: make(chan struct{})}
	go func() {
		defer close(s.done)
		t := time.NewTicker(250 * time.Millisecond)
		defer t.Stop()
		for {
			s.sample()
			select {
			case <-t.C:
			case <-s.stop:
				return
			}
		}
	}()
	return s
}

func (s *rssSampler) status() (rss, hwm int64) {
	b, err := os.ReadFile("/proc/" + strconv.Itoa(s.pid) + "/status")
	if err != nil {
		return -1, -1
	}
	return procKB(string(b), "VmRSS:"), procKB(string(b), "VmHWM:")
}

func (s *rssSampler) sample() {
	rss, _ := s.status()
	s.mu.Lock()
	s.peak = max(s.peak, rss)
	s.mu.Unlock()
}

// reset starts a new peak from the current RSS.
func (s *rssSampler) reset() {
	rss, _ := s.status()
	s.mu.Lock()
	s.peak = rss
	s.mu.Unlock()
}

// peakMB returns the peak RSS since the last reset, in MB.
func (s *rssSampler) peakMB() float64 {
	s.sample()
	s.mu.Lock()
	defer s.mu.Unlock()
	return float64(s.peak) / 1024
}

// hwmMB is the process's lifetime peak RSS (VmHWM), in MB.
func (s *rssSampler) hwmMB() float64 {
	_, hwm := s.status()
	return float64(hwm) / 1024
}

func (s *rssSampler) close() {
	close(s.stop)
	<-s.done
}

// clockTick is the unit of utime and stime in /proc/PID/stat: USER_HZ,
// 100 on Linux.
const clockTick = 10 * time.Millisecond

// procCPU returns the CPU time (user + system) a process has used, from
// /proc/PID/stat ("self" for this process); -1 if unreadable.
func procCPU(pid string) time.Duration {
	st, ok := readProcStat(pid)
	if !ok {
		return -1
	}
	return st.cpu
}

// procStat is what the tools reads of /proc/PID/stat.
type procStat struct {
	ppid   int
	cpu    time.Duration // utime + stime
	reaped time.Duration // cutime + cstime: of the children it has waited for
}

func readProcStat(pid string) (procStat, bool) {
	b, err := os.ReadFile("/proc/" + pid + "/stat")
	if err != nil {
		return procStat{}, false
	}
	// The command name, field 2, may hold spaces; fields after it are
	// plain. ppid is field 4, utime to cstime fields 14 to 17.
	i := bytes.LastIndexByte(b, ')')
	if i < 0 {
		return procStat{}, false
	}
	f := strings.Fields(string(b[i+1:]))
	if len(f) < 15 {
		return procStat{}, false
	}
	var n [5]int64
	for k, j := range []int{1, 11, 12, 13, 14} {
		if n[k], err = strconv.ParseInt(f[j], 10, 64); err != nil {
			return procStat{}, false
		}
	}
	return procStat{ppid: int(n[0]), cpu: time.Duration(n[1]+n[2]) * clockTick, reaped: time.Duration(n[3]+n[4]) * clockTick}, true
}
