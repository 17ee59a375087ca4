package web

import (
	"sync"
	"time"

	"golang.org/x/time/rate"

	"github.com/ikrar-id/ikrar/internal/registry"
)

// failLimiter limits failed identification attempts (a wrong event code, an
// NIP not on the roster) per client address and per NIP, so nobody can
// enumerate who exists. Only failures spend tokens: a hall of two thousand
// signers behind one public address signs unthrottled.
type failLimiter struct {
	on    bool
	now   func() time.Time
	mu    sync.Mutex
	byKey map[string]*rate.Limiter
	// running counts the attempts begun and not yet done, by limiter key.
	running map[string]int
	swept   time.Time
}

// Per address: a hall makes typos, so allow a burst of 60 failures, then one
// every 5 seconds. Per NIP: 10 failures, then one a minute.
var (
	ipLimit  = limitSpec{rate.Every(5 * time.Second), 60}
	nipLimit = limitSpec{rate.Every(time.Minute), 10}
)

type limitSpec struct {
	every rate.Limit
	burst int
}

func newFailLimiter(on bool, now func() time.Time) *failLimiter {
	return &failLimiter{on: on, now: now, byKey: map[string]*rate.Limiter{}, running: map[string]int{}}
}

func (f *failLimiter) limiter(key string, spec limitSpec) *rate.Limiter {
	l := f.byKey[key]
	if l == nil {
		l = rate.NewLimiter(spec.every, spec.burst)
		f.byKey[key] = l
	}
	return l
}

// Blocked returns a rate-limit error if the address or the NIP has no
// failures left.
func (f *failLimiter) Blocked(ip, nip string) error {
	if !f.on {
		return nil
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	now := f.now()
	if f.limiter("ip:"+ip, ipLimit).TokensAt(now) < 1 || (nip != "" && f.limiter("nip:"+nip, nipLimit).TokensAt(now) < 1) {
		return registry.Errorf(registry.ETOOMANY, "Terlalu banyak percobaan yang gagal. Tunggu beberapa menit lalu coba lagi.")
	}
	return nil
}

// Failed spends one token of the address and of the NIP.
func (f *failLimiter) Failed(ip, nip string) {
	if !f.on {
		return
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	now := f.now()
	f.limiter("ip:"+ip, ipLimit).AllowN(now, 1)
	if nip != "" {
		f.limiter("nip:"+nip, nipLimit).AllowN(now, 1)
	}
	f.sweep(now)
}

// Begin counts an attempt whose cost must be bounded (a sign-in:
// argon2id) before it is made: it fails as Blocked does when the address's
// or the key's failures left, less the attempts still running, are used
// up, so a burst is refused before any of it is computed. done ends the
// attempt; one that did not succeed spends a failure of each.
func (f *failLimiter) Begin(ip, key string) (done func(ok bool), err error) {
	if !f.on {
		return func(bool) {}, nil
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	now := f.now()
	ipKey, kKey := "ip:"+ip, "nip:"+key
	if f.limiter(ipKey, ipLimit).TokensAt(now)-float64(f.running[ipKey]) < 1 ||
		f.limiter(kKey, nipLimit).TokensAt(now)-float64(f.running[kKey]) < 1 {
		return nil, registry.Errorf(registry.ETOOMANY, "Terlalu banyak percobaan yang gagal. Tunggu beberapa menit lalu coba lagi.")
	}
	f.running[ipKey]++
	f.running[kKey]++
	return func(ok bool) {
		f.mu.Lock()
		defer f.mu.Unlock()
		for _, k := range []string{ipKey, kKey} {
			if f.running[k]--; f.running[k] == 0 {
				delete(f.running, k)
			}
		}
		if !ok {
			now := f.now()
			f.limiter(ipKey, ipLimit).AllowN(now, 1)
			f.limiter(kKey, nipLimit).AllowN(now, 1)
			f.sweep(now)
		}
	}, nil
}

// sweep forgets limiters that have refilled, so memory stays bounded.
func (f *failLimiter) sweep(now time.Time) {
	if now.Sub(f.swept) < time.Minute {
		return
	}
	f.swept = now
	for k, l := range f.byKey {
		if l.TokensAt(now) >= float64(l.Burst()) && f.running[k] == 0 {
			delete(f.byKey, k)
		}
	}
}
