package main

import (
	"context"
	"fmt"
	"os"
	"sync"
	"testing"

	"github.com/chromedp/chromedp"
)

// closeSharedChromium closes the package's shared chromium, if a test
// started it; TestMain calls it once every test is done.
func closeSharedChromium() {
	if sharedChromium.close != nil { // started
		sharedChromium.close()
	}
}

// sharedChromium is one headless chromium for the package's browser tests.
// Starting one costs about a second of CPU; a test opens its own tab in a
// browser context of its own (an incognito profile: no cookie, storage or
// cache of another test), which is as separate as a browser of its own for
// what the tests look at.
var sharedChromium struct {
	once  sync.Once
	ctx   context.Context // the browser's first tab, never used for a test
	err   error
	close func()
}

// sharedBrowser starts the shared chromium at its first call and returns
// the context of its first tab, from which tests open theirs.
func sharedBrowser(t *testing.T, chromium string) context.Context {
	t.Helper()
	s := &sharedChromium
	s.once.Do(func() {
		s.close = func() {}
		dir, err := os.MkdirTemp("", "ikrar-chromium-")
		if err != nil {
			s.err = err
			return
		}
		allocCtx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), append(chromiumOptions(chromium), chromedp.UserDataDir(dir))...)
		ctx, cancelTab := chromedp.NewContext(allocCtx)
		s.close = func() {
			cancelTab()
			cancelAlloc()
			os.RemoveAll(dir)
		}
		// The first action starts the browser, bound to ctx, which no test
		// cancels.
		if err := chromedp.Do(ctx); err != nil {
			s.err = fmt.Errorf("start chromium: %w", err)
			return
		}
		s.ctx = ctx
	})
	if s.err != nil {
		t.Fatal(s.err)
	}
	return s.ctx
}

// chromiumOptions are the command-line options of a test's chromium.
func chromiumOptions(chromium string) []chromedp.ExecAllocatorOption {
	return []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(chromium),
		chromedp.Headless,
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		chromedp.NoDefaultBrowserCheck,
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-dev-shm-usage", true),
	}
}
