package web

import (
	"sync"
	"time"

	"golang.org/x/time/rate"

	"github.com/ikrar-id/ikrar/internal/registry"
)

// failLimiter keeps token buckets of failures by key and bounds how many
// each key may have. Officers' sign-ins (and password changes) are limited
// per client address and per account through Begin; signers'
// identifications have budgets of their own (guessBudget, signlimit.go)
// kept in a failLimiter of their own. Only failures spend tokens.
type failLimiter struct {
	on    bool
	now   func() time.Time
	mu    sync.Mutex
	byKey map[string]*rate.Limiter
	// running counts the attempts begun and not yet done, by limiter key.
	running map[string]int
	swept   time.Time
}

// Sign-ins: per address a burst of 60 failures (an office behind one
// address makes typos too), then one every 5 seconds; per account 10, then
// one a minute.
var (
	ipLimit      = limitSpec{rate.Every(5 * time.Second), 60}
	accountLimit = limitSpec{rate.Every(time.Minute), 10}
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

// spent reports whether key has no failure left; a key never seen has its
// whole burst, and looking does not create it.
func (f *failLimiter) spent(key string, now time.Time) bool {
	l := f.byKey[key]
	return l != nil && l.TokensAt(now) < 1
}

// fail spends one failure of each key under its spec.
func (f *failLimiter) fail(now time.Time, keys ...keyedLimit) {
	for _, k := range keys {
		f.limiter(k.key, k.spec).AllowN(now, 1)
	}
	f.sweep(now)
}

type keyedLimit struct {
	key  string
	spec limitSpec
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
	ipKey, kKey := "ip:"+ip, "account:"+key
	if f.limiter(ipKey, ipLimit).TokensAt(now)-float64(f.running[ipKey]) < 1 ||
		f.limiter(kKey, accountLimit).TokensAt(now)-float64(f.running[kKey]) < 1 {
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
			f.fail(f.now(), keyedLimit{ipKey, ipLimit}, keyedLimit{kKey, accountLimit})
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
