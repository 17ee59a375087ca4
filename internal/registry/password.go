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
)

// argon2id parameters (RFC 9106's second recommended option, memory-lighter):
// about 50 ms on this project's 2-core machines.
const (
	argonTime    = 3
	argonMemory  = 64 * 1024
	argonThreads = 2
	argonKeyLen  = 32
)

// Hasher computes and checks argon2id password hashes, a bounded number at
// once. One computation holds 64 MiB for about 50 ms: it is the most
// expensive thing an anonymous client can make the server do, and thirty
// concurrent sign-ins took a server from 94 MB to 1.8 GB. A computation
// waits for a free slot behind at most a few others, for at most a short
// while; beyond that the request is refused with EBUSY rather than queued
// for ever.
type Hasher struct {
	slots   chan struct{}
	waiting atomic.Int64
	maxWait int64
	wait    time.Duration
	// OnHash, if set, is called inside a slot before each computation with
	// the number of computations running: tests count with it.
	OnHash  func(running int)
	running atomic.Int64
}

// NewHasher returns a hasher that runs at most slots computations at once
// and lets at most queue more wait up to wait for a slot.
func NewHasher(slots, queue int, wait time.Duration) *Hasher {
	return &Hasher{slots: make(chan struct{}, max(slots, 1)), maxWait: int64(max(queue, 0)), wait: wait}
}

// defaultHasher has one slot per processor: argon2id is CPU-bound, so
// more at once only adds memory, not throughput.
func defaultHasher() *Hasher {
	n := runtime.GOMAXPROCS(0)
	return NewHasher(n, 4*n, 3*time.Second)
}

// Size is how many computations may run at once.
func (h *Hasher) Size() int { return cap(h.slots) }

// errBusy is what a request gets when every slot is taken and the queue
// is full or the wait ran out.
func errBusy() *Error {
	return Errorf(EBUSY, "Server sedang sibuk memeriksa kata sandi. Tunggu sebentar lalu coba lagi.")
}

// run calls f inside a slot.
func (h *Hasher) run(ctx context.Context, f func()) error {
	select {
	case h.slots <- struct{}{}:
	default:
		if h.waiting.Add(1) > h.maxWait {
			h.waiting.Add(-1)
			return errBusy()
		}
		t := time.NewTimer(h.wait)
		select {
		case h.slots <- struct{}{}:
			t.Stop()
			h.waiting.Add(-1)
		case <-t.C:
			h.waiting.Add(-1)
			return errBusy()
		case <-ctx.Done():
			// The client left or gave up: it was refused for want of a
			// slot all the same.
			t.Stop()
			h.waiting.Add(-1)
			busy := errBusy()
			busy.Err = ctx.Err()
			return busy
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

// Hash returns an argon2id hash of password in the PHC string format. It
// checks no policy: see CheckPasswordPolicy.
func (h *Hasher) Hash(ctx context.Context, password string) (string, error) {
	salt := make([]byte, 16)
	if _, err := rand.Read(salt); err != nil {
		return "", fmt.Errorf("password salt: %w", err)
	}
	var key []byte
	if err := h.run(ctx, func() {
		key = argon2.IDKey([]byte(password), salt, argonTime, argonMemory, argonThreads, argonKeyLen)
	}); err != nil {
		return "", err
	}
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s", argon2.Version, argonMemory, argonTime, argonThreads,
		base64.RawStdEncoding.EncodeToString(salt), base64.RawStdEncoding.EncodeToString(key)), nil
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

// dummyHash is checked against when an email has no account, so that the
// answer costs what a real check costs and timing does not tell which
// emails exist. It has the parameters of every real hash; no password
// matches it but by a 2^-256 chance.
const dummyHash = "$argon2id$v=19$m=65536,t=3,p=2$aWtyYXItZHVtbXktc2FsdA$" +
	"ZHVtbXkta2V5LW5vLXBhc3N3b3JkLW1hdGNoZXMtaXQ"
