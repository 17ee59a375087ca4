package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"strings"

	"github.com/ikrar-id/ikrar/internal/translog"
)

// cmdKey manages the log's signing keys: "rotate" makes a new key the
// signer, keeping every earlier verifier key published so old certificates
// and checkpoints keep verifying; "list" prints the verifier keys, as
// /api/v1/log/key serves them.
func cmdKey(ctx context.Context, args []string, stdout, stderr io.Writer, getenv func(string) string) error {
	const usageKey = "usage: ikrar key rotate --data DIR  or  ikrar key list --data DIR"
	if len(args) == 0 || (args[0] != "rotate" && args[0] != "list") {
		return exitError{code: 2, msg: usageKey}
	}
	fs := flag.NewFlagSet("key "+args[0], flag.ContinueOnError)
	dir := dataFlag(fs, getenv)
	if err := parseFlags(fs, args[1:], stderr); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return exitError{code: 2, msg: usageKey}
	}
	a, err := openApp(ctx, *dir, "")
	if err != nil {
		return err
	}
	defer a.Close()
	if args[0] == "list" {
		fmt.Fprintln(stdout, strings.Join(a.keys.VerifierKeys(), "\n"))
		return nil
	}
	if err := a.keys.Rotate(translog.DefaultKeyLifetime); err != nil {
		return err
	}
	keys := a.keys.VerifierKeys()
	fmt.Fprintf(stdout, "new signing key / kunci penanda tangan baru:\n%s\n", keys[len(keys)-1])
	fmt.Fprintf(stdout, "%d verifier key(s) published at /api/v1/log/key; restart ikrar serve to sign with the new key.\n", len(keys))
	return nil
}
