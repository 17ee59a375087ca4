package web

import (
	"context"
	"runtime"
)

// cpuSlots bounds the CPU-heavy work of a request — rendering a PDF,
// decoding a signature PNG — to a few at a time. The work is CPU-bound, so
// more at once only adds memory (a render holds about 2 MB, a decoded PNG
// up to 8 MB): 200 concurrent downloads held 340 MB without this.
type cpuSlots chan struct{}

func newCPUSlots() cpuSlots { return make(cpuSlots, 2*runtime.GOMAXPROCS(0)) }

// do runs fn in a slot, waiting for one unless ctx ends first.
func (s cpuSlots) do(ctx context.Context, fn func() error) error {
	select {
	case s <- struct{}{}:
	case <-ctx.Done():
		return ctx.Err()
	}
	defer func() { <-s }()
	return fn()
}
