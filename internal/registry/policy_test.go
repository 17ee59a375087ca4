package registry_test

import (
	"context"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/ikrar-id/ikrar/internal/registry"
)

func TestPasswordPolicy(t *testing.T) {
	u := registry.User{Email: " Rina.Marpaung@DeliSerdang.go.id ", Name: "Hj. Rina Marpaung, S.E."}
	tests := []struct {
		password string
		want     string // "" if allowed, else part of the message
	}{
		{"kata-sandi-uji-2024", ""},
		{"ABCD-EFGH-JKMN-PQRS", ""},
		{"pendek-2024", "minimal 12"},
		{"password1234", "paling umum"},
		{"iloveyou2024!", "paling umum"},
		{"123456654321", "paling umum"},
		{"Sunshine!!!!!", "paling umum"},
		{"qwertyuiopasdfgh", ""}, // not on the list as a whole; its own guessability is zxcvbn's business
		{"marpaung-2024!", "nama atau alamat email"},
		{"RINA.marpaung99", "nama atau alamat email"},
		{"sayarina-hebat-99", "nama atau alamat email"},
		{"hj-se-kantor-2024", ""}, // name parts under four letters are ignored
		{"deliserdang-kantor", ""},
		{" spasi-di-depan-2024", "spasi"},
	}
	for _, tt := range tests {
		err := registry.CheckPasswordPolicy(tt.password, u)
		switch {
		case tt.want == "" && err != nil:
			t.Errorf("%q refused: %v", tt.password, err)
		case tt.want != "" && err == nil:
			t.Errorf("%q allowed, want refused (%s)", tt.password, tt.want)
		case tt.want != "" && !registry.IsCode(err, registry.EINVALID):
			t.Errorf("%q: code %s, want %s", tt.password, registry.ErrorCode(err), registry.EINVALID)
		case tt.want != "" && !strings.Contains(registry.ErrorMessage(err), tt.want):
			t.Errorf("%q: message %q, want it to say %q", tt.password, registry.ErrorMessage(err), tt.want)
		}
	}
}

func TestNormalizeEmail(t *testing.T) {
	for _, in := range []string{"admin@x.id", " Admin@X.id ", "\tADMIN@x.ID\n"} {
		if got := registry.NormalizeEmail(in); got != "admin@x.id" {
			t.Errorf("NormalizeEmail(%q) = %q", in, got)
		}
	}
	// "é" precomposed and as e + combining acute are one address.
	if a, b := registry.NormalizeEmail("ren\u00e9@x.id"), registry.NormalizeEmail("rene\u0301@x.id"); a != b {
		t.Errorf("NFC: %q != %q", a, b)
	}
}

// TestHasherBound: with every slot taken and the queue full, a further
// computation is refused at once with EBUSY, and a waiting one is refused
// when its wait runs out; never do more than the slots run at once.
func TestHasherBound(t *testing.T) {
	h := registry.NewHasher(2, 1, 50*time.Millisecond).WithParams(cheapPasswords)
	if h.Size() != 2 {
		t.Fatalf("Size %d, want 2", h.Size())
	}
	gate, entered := make(chan struct{}), make(chan struct{}, 8)
	var mu sync.Mutex
	peak := 0
	h.OnHash = func(running int) {
		mu.Lock()
		peak = max(peak, running)
		mu.Unlock()
		entered <- struct{}{}
		<-gate
	}
	var wg sync.WaitGroup
	for range 2 {
		wg.Go(func() {
			if _, err := h.Hash(context.Background(), "kata-sandi-uji-2024"); err != nil {
				t.Errorf("hash in a free slot: %v", err)
			}
		})
	}
	<-entered
	<-entered
	// Slots full: one may wait, and its wait runs out; while it waits, a
	// second is refused at once.
	waited := make(chan error)
	go func() {
		_, err := h.Check(context.Background(), "$argon2id$v=19$m=65536,t=3,p=2$aWtyYXItZHVtbXktc2FsdA$ZHVtbXkta2V5LW5vLXBhc3N3b3JkLW1hdGNoZXMtaXQ", "x")
		waited <- err
	}()
	time.Sleep(10 * time.Millisecond) // let it queue; the assertions below hold either way
	start := time.Now()
	if _, err := h.Hash(context.Background(), "kata-sandi-uji-2024"); !registry.IsCode(err, registry.EBUSY) {
		t.Errorf("hash with slots and queue full: %v, want %s", err, registry.EBUSY)
	}
	if err := <-waited; !registry.IsCode(err, registry.EBUSY) {
		t.Errorf("hash that waited past its time: %v, want %s", err, registry.EBUSY)
	}
	if d := time.Since(start); d > 5*time.Second {
		t.Errorf("refusals took %v", d)
	}
	// A cancelled request stops waiting.
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := h.Hash(ctx, "kata-sandi-uji-2024"); !registry.IsCode(err, registry.EBUSY) {
		t.Errorf("cancelled wait: %v", err)
	}
	close(gate)
	wg.Wait()
	if peak != 2 {
		t.Errorf("peak %d computations at once, want 2", peak)
	}
}

// TestHasherPace: beyond its pace a flood is refused, and each refusal is
// held until its wait ran out, so a client that waits for its answers
// cannot spin; the hashes that ran stay within the pace.
func TestHasherPace(t *testing.T) {
	const wait = 150 * time.Millisecond
	h := registry.NewHasher(1, 8, wait).Paced(0.001, 2) // a burst of 2, then nearly nothing
	var hashed atomic.Int64
	h.OnHash = func(int) { hashed.Add(1) }
	var wg sync.WaitGroup
	var busy atomic.Int64
	var early atomic.Int64
	for range 6 {
		wg.Go(func() {
			start := time.Now()
			_, err := h.Check(context.Background(), "$argon2id$v=19$m=8,t=1,p=1$aWtyYXItZHVtbXktc2FsdA$ZHVtbXkta2V5", "x")
			if registry.IsCode(err, registry.EBUSY) {
				busy.Add(1)
				if time.Since(start) < wait {
					early.Add(1)
				}
			} else if err != nil {
				t.Errorf("check: %v", err)
			}
		})
	}
	wg.Wait()
	if hashed.Load() != 2 || busy.Load() != 4 {
		t.Errorf("%d hashed and %d refused, want the burst of 2 hashed and 4 refused", hashed.Load(), busy.Load())
	}
	if early.Load() > 0 {
		t.Errorf("%d refusals came back before the wait ran out: a flood could spin", early.Load())
	}
}

// TestHasherLoad: what the metrics read of the hashing queue: Load counts
// the computation running and the one waiting, and OnWait hears of each
// wait, served or refused.
func TestHasherLoad(t *testing.T) {
	h := registry.NewHasher(1, 1, 5*time.Second).WithParams(cheapPasswords)
	type wait struct {
		d       time.Duration
		refused bool
	}
	waits := make(chan wait, 4)
	h.OnWait = func(d time.Duration, refused bool) { waits <- wait{d, refused} }
	gate, entered := make(chan struct{}), make(chan struct{}, 2)
	h.OnHash = func(int) { entered <- struct{}{}; <-gate }
	done := make(chan error, 2)
	go func() { _, err := h.Hash(context.Background(), "kata-sandi-uji-2024"); done <- err }()
	<-entered
	go func() { _, err := h.Hash(context.Background(), "kata-sandi-uji-2024"); done <- err }()
	deadline := time.Now().Add(5 * time.Second)
	for {
		if r, w := h.Load(); r == 1 && w == 1 {
			break
		}
		if time.Now().After(deadline) {
			r, w := h.Load()
			t.Fatalf("Load = %d running, %d waiting; want 1 and 1", r, w)
		}
		time.Sleep(time.Millisecond)
	}
	// The queue is full: a third is refused at once.
	if _, err := h.Hash(context.Background(), "kata-sandi-uji-2024"); !registry.IsCode(err, registry.EBUSY) {
		t.Fatalf("third hash: %v, want %s", err, registry.EBUSY)
	}
	if w := <-waits; !w.refused {
		t.Errorf("OnWait for the refused hash: %+v, want refused", w)
	}
	time.Sleep(20 * time.Millisecond)
	close(gate)
	for range 2 {
		if err := <-done; err != nil {
			t.Fatal(err)
		}
	}
	if w := <-waits; w.refused || w.d < 20*time.Millisecond {
		t.Errorf("OnWait for the hash that waited its turn: %+v, want served after at least 20 ms", w)
	}
	if r, w := h.Load(); r != 0 || w != 0 {
		t.Errorf("Load after all = %d, %d; want 0, 0", r, w)
	}
}
