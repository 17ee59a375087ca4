package main

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// stepper returns the step every browser test takes: run actions in the
// tab ctx within limit, failing the test with where the page stands.
func stepper(t *testing.T, ctx context.Context, limit time.Duration) func(name string, steps ...chromedp.Action[chromedp.Void]) {
	return func(name string, steps ...chromedp.Action[chromedp.Void]) {
		t.Helper()
		sctx, cancel := context.WithTimeout(ctx, limit)
		defer cancel()
		if err := chromedp.Do(sctx, steps...); err != nil {
			t.Fatalf("%s: %v\n%s", name, err, pageState(ctx))
		}
	}
}

// evaluator returns a function that evaluates a script to a string in the
// tab ctx within 10 s, failing the test if it cannot.
func evaluator(t *testing.T, ctx context.Context) func(name, js string) string {
	return func(name, js string) string {
		t.Helper()
		sctx, cancel := context.WithTimeout(ctx, 10*time.Second)
		defer cancel()
		v, err := chromedp.Run(sctx, chromedp.Evaluate[string](js))
		if err != nil {
			t.Fatalf("%s: %v\n%s", name, err, pageState(ctx))
		}
		return v
	}
}

// recordConsole keeps what the tab ctx writes to its console. The
// returned function, called once the tab is closed, gives every message.
// Subscribing starts the browser and opens the tab, bound to ctx.
func recordConsole(ctx context.Context) func() []chromedp.ConsoleMessage {
	var mu sync.Mutex
	var console []chromedp.ConsoleMessage
	done := make(chan struct{})
	messages := chromedp.Console(ctx)
	go func() {
		defer close(done)
		for m, err := range messages {
			if err != nil {
				return
			}
			mu.Lock()
			console = append(console, m)
			mu.Unlock()
		}
	}()
	return func() []chromedp.ConsoleMessage {
		<-done
		mu.Lock()
		defer mu.Unlock()
		return console
	}
}
