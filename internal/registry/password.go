package registry

import (
	"context"
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"fmt"
	"runtime"
	"strings"
	"sync/atomic"
	"time"

	"golang.org/x/crypto/argon2"
	"golang.org/x/time/rate"
)

// PasswordParams are argon2id's costs. A stored hash carries the ones it
// was made with (PHC string), so a hash made with other costs still
// checks.
type PasswordParams struct {
	Time    uint32 // passes over the memory
	Memory  uint32 // KiB
	Threads uint8  // lanes
}

// DefaultPasswordParams are the production costs, RFC 9106's second
// recommended option (memory-lighter): about 50 ms on this project's
// 2-core machines. Nothing but code can choose others (Hasher.WithParams),
// and serve refuses to start with less (Production).
func DefaultPasswordParams() PasswordParams {
	return PasswordParams{Time: 3, Memory: 64 * 1024, Threads: 2}
}

// Production reports, as an error, costs below DefaultPasswordParams: a
// hasher made cheap for tests must never serve.
func (p PasswordParams) Production() error {
	d := DefaultPasswordParams()
	if p.Time < d.Time || p.Memory < d.Memory || p.Threads < d.Threads {
		return fmt.Errorf("argon2id parameters m=%d,t=%d,p=%d are below production's m=%d,t=%d,p=%d",
			p.Memory, p.Time, p.Threads, d.Memory, d.Time, d.Threads)
	}
	return nil
}

const argonKeyLen = 32

// Hasher computes and checks argon2id password hashes, a bounded number at
// once and at a bounded pace. One computation holds 64 MiB and a processor
// or two for 50–150 ms: it is the most expensive thing an anonymous client
// can make the server do. Thirty concurrent sign-ins once took a server
// from 94 MB to 1.8 GB; and a botnet, each address with a login budget of
// its own, could take every processor from the signers. A computation
// waits for its turn behind a bounded queue for at most a short while;
// beyond that the request is refused with EBUSY rather than queued for
// ever. Waiting costs a goroutine, not memory or CPU, so the queue may be
// long enough that a flood waits instead of spinning.
type Hasher struct {
	slots   chan struct{}
	pace    *rate.Limiter // nil: no pace
	waiting atomic.Int64
	maxWait int64
	wait    time.Duration
	// OnHash, if set, is called inside a slot before each computation with
	// the number of computations running: tests count with it.
	OnHash func(running int)
	// OnWait, if set, is called after each computation that had to queue
	// with how long it waited and whether it was refused (metrics). Set
	// it before use.
	OnWait  func(waited time.Duration, refused bool)
	running atomic.Int64
	params  PasswordParams
	// dummy is checked against when an email has no account (dummyHash).
	dummy string
}

// NewHasher returns a hasher that runs at most slots computations at once
// and lets at most queue more wait up to wait for their turn.
func NewHasher(slots, queue int, wait time.Duration) *Hasher {
	h := &Hasher{slots: make(chan struct{}, max(slots, 1)), maxWait: int64(max(queue, 0)), wait: wait}
	return h.WithParams(DefaultPasswordParams())
}

// WithParams makes the hasher make new hashes with p and returns it.
// Tests choose cheap costs so; serve refuses them (PasswordParams.Production).
func (h *Hasher) WithParams(p PasswordParams) *Hasher {
	h.params = p
	h.dummy = dummyHash(p)
	return h
}

// Params are the costs new hashes are made with.
func (h *Hasher) Params() PasswordParams { return h.params }

// Memory is the memory one computation holds, in bytes.
func (h *Hasher) Memory() int64 { return int64(h.params.Memory) * 1024 }

// Paced makes the hasher start at most perSecond computations a second on
// average (burst at once after a quiet spell) and returns it.
func (h *Hasher) Paced(perSecond float64, burst int) *Hasher {
	h.pace = rate.NewLimiter(rate.Limit(perSecond), max(burst, 1))
	return h
}

// Hashing may use about a quarter of the processors on average and half of
// them at a peak: one slot per two processors' worth of argon2 lanes, and
// hashesPerCPU starts a second per processor (about 100 ms of CPU each,
// measured under load). Signing, the work that matters on declaration day,
// keeps the rest. An office's officers signing in together (a few a
// second) are served at once; a flood waits up to 3 s, then gets EBUSY.
// Measured with ikrar-bench -attack (docs/PERFORMANCE.md).
const (
	hashesPerCPU = 2.5
	hashWait     = 3 * time.Second
)

func defaultHasher() *Hasher {
	n := runtime.GOMAXPROCS(0)
	return NewHasher(max(1, n/2/int(DefaultPasswordParams().Threads)), 32*n, hashWait).Paced(hashesPerCPU*float64(n), 4*n)
}

// Load is how many computations run and how many wait for a slot now.
func (h *Hasher) Load() (running, waiting int64) { return h.running.Load(), h.waiting.Load() }

// Size is how many computations may run at once.
func (h *Hasher) Size() int { return cap(h.slots) }

// errBusy is what a request gets when every slot is taken and the queue
// is full or the wait ran out.
func errBusy() *Error {
	return Errorf(EBUSY, "Server sedang sibuk memeriksa kata sandi. Tunggu sebentar lalu coba lagi.")
}

// run calls f inside a slot, once the pace allows, within h.wait.
func (h *Hasher) run(ctx context.Context, f func()) error {
	select {
	case h.slots <- struct{}{}:
		if h.pace != nil && !h.pace.Allow() {
			<-h.slots
			if err := h.await(ctx); err != nil {
				return err
			}
		}
	default:
		if err := h.await(ctx); err != nil {
			return err
		}
	}
	defer func() { <-h.slots }()
	n := h.running.Add(1)
	defer h.running.Add(-1)
	if h.OnHash != nil {
		h.OnHash(int(n))
	}
	f()
	return nil
}

// await queues for the pace and a slot, for at most h.wait; it returns
// holding a slot, or EBUSY.
func (h *Hasher) await(ctx context.Context) (err error) {
	if h.OnWait != nil {
		start := time.Now()
		defer func() { h.OnWait(time.Since(start), err != nil) }()
	}
	if h.waiting.Add(1) > h.maxWait {
		h.waiting.Add(-1)
		return errBusy()
	}
	defer h.waiting.Add(-1)
	wctx, cancel := context.WithTimeout(ctx, h.wait)
	defer cancel()
	busy := func(err error) error {
		e := errBusy()
		if ctx.Err() != nil {
			// The client left or gave up: it was refused for want of a
			// slot all the same.
			e.Err = ctx.Err()
		} else {
			e.Err = err
		}
		return e
	}
	if h.pace != nil {
		// Wait refuses at once when the pace could not allow it before
		// the deadline.
		if err := h.pace.Wait(wctx); err != nil {
			// The refusal is held until the deadline, as if the request
			// had waited its turn: a flood whose clients wait for their
			// answers then sends a few requests a second, not hundreds.
			// At most maxWait requests are held so.
			<-wctx.Done()
			return busy(err)
		}
	}
	select {
	case h.slots <- struct{}{}:
		return nil
	case <-wctx.Done():
		return busy(wctx.Err())
	}
}

// Hash returns an argon2id hash of password in the PHC string format. It
// checks no policy: see CheckPasswordPolicy.
func (h *Hasher) Hash(ctx context.Context, password string) (string, error) {
	salt := make([]byte, 16)
	if _, err := rand.Read(salt); err != nil {
		return "", fmt.Errorf("password salt: %w", err)
	}
	p := h.params
	var key []byte
	if err := h.run(ctx, func() {
		key = argon2.IDKey([]byte(password), salt, p.Time, p.Memory, p.Threads, argonKeyLen)
	}); err != nil {
		return "", err
	}
	return phcString(p, salt, key), nil
}

func phcString(p PasswordParams, salt, key []byte) string {
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s", argon2.Version, p.Memory, p.Time, p.Threads,
		base64.RawStdEncoding.EncodeToString(salt), base64.RawStdEncoding.EncodeToString(key))
}

// Check reports whether password matches an argon2id PHC hash; the error
// is EBUSY when no slot came free in time or the context ended first.
func (h *Hasher) Check(ctx context.Context, hash, password string) (bool, error) {
	parts := strings.Split(hash, "$")
	if len(parts) != 6 || parts[1] != "argon2id" {
		return false, nil
	}
	var m, t uint32
	var p uint8
	if _, err := fmt.Sscanf(parts[3], "m=%d,t=%d,p=%d", &m, &t, &p); err != nil {
		return false, nil
	}
	salt, err1 := base64.RawStdEncoding.DecodeString(parts[4])
	want, err2 := base64.RawStdEncoding.DecodeString(parts[5])
	if err1 != nil || err2 != nil || len(want) == 0 {
		return false, nil
	}
	var got []byte
	if err := h.run(ctx, func() { got = argon2.IDKey([]byte(password), salt, t, m, p, uint32(len(want))) }); err != nil {
		return false, err
	}
	return subtle.ConstantTimeCompare(got, want) == 1, nil
}

// dummyHash is what is checked against when an email has no account, so
// that the answer costs what a real check costs and timing does not tell
// which emails exist. It has the hasher's parameters, those of every new
// hash; no password matches it but by a 2^-256 chance.
func dummyHash(p PasswordParams) string {
	return phcString(p, []byte("ikrar-dummy-salt"), []byte("dummy-key-no-password-matches-it"))
}
