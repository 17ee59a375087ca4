package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	iofs "io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"time"

	"github.com/ikrar-id/ikrar/internal/private"
	"github.com/ikrar-id/ikrar/internal/registry"
	"github.com/ikrar-id/ikrar/internal/translog"
)

const usageKey = `usage: ikrar key rotate --data DIR [--export-old FILE] [--days N]
       ikrar key list --data DIR [--windows]
       ikrar key list --witness --data DIR
       ikrar key export --data DIR FILE
       ikrar key origin --data DIR ORIGIN`

// cmdKey manages the log's signing keys: "rotate" makes a new key the
// signer, cross-signs the current checkpoint with the old and the new key
// and removes the old private key, keeping every earlier verifier key
// published so old certificates and checkpoints keep verifying; "list"
// prints the verifier keys, as /api/v1/log/key serves them; "export" copies
// the current private key out; "origin" names a log that has no leaf yet.
func cmdKey(ctx context.Context, args []string, stdout, stderr io.Writer, getenv func(string) string) error {
	if len(args) == 0 {
		return exitError{code: 2, msg: usageKey}
	}
	sub := args[0]
	fs := flag.NewFlagSet("key "+sub, flag.ContinueOnError)
	reg := storeFlags(fs, getenv)
	dir := reg.dir
	var exportOld string
	var days int
	var windows, witness bool
	switch sub {
	case "rotate":
		fs.StringVar(&exportOld, "export-old", "", "write the retiring private key to this new file before it leaves the data directory")
		fs.IntVar(&days, "days", int(translog.DefaultKeyLifetime/(24*time.Hour)), "days the new key may sign")
	case "list":
		fs.BoolVar(&windows, "windows", false, "print each key's validity window after it")
		fs.BoolVar(&witness, "witness", false, "print this registry's witness key, which the logs it witnesses list in --witnesses")
	case "export", "origin":
	default:
		return exitError{code: 2, msg: usageKey}
	}
	if err := parseFlags(fs, args[1:], stderr); err != nil {
		return err
	}
	wantArgs := 0
	if sub == "export" || sub == "origin" {
		wantArgs = 1
	}
	if fs.NArg() != wantArgs || (sub == "rotate" && days < 1) {
		return exitError{code: 2, msg: usageKey}
	}
	if sub == "origin" {
		return keyOrigin(ctx, reg, fs.Arg(0), stdout)
	}
	if witness {
		key, err := translog.LoadCosigner(filepath.Join(*dir, "keys"))
		if errors.Is(err, iofs.ErrNotExist) {
			return exitError{code: 1, msg: "belum ada kunci saksi: jalankan ikrar serve --witness-for FILE sekali / no witness key yet: it is made when ikrar serve first starts with --witness-for"}
		}
		if err != nil {
			return err
		}
		fmt.Fprintln(stdout, key.VerifierKey())
		return nil
	}
	a, err := reg.open(ctx)
	if err != nil {
		return err
	}
	defer a.Close()
	keys, err := a.needKeys()
	if err != nil {
		return err
	}
	switch sub {
	case "list":
		for _, k := range keys.PublishedKeys() {
			if windows {
				fmt.Fprintf(stdout, "%s %s\n", k.Verifier, k.Window)
			} else {
				fmt.Fprintln(stdout, k.Verifier)
			}
		}
		return nil
	case "export":
		if err := keys.ExportSigner(fs.Arg(0)); err != nil {
			return err
		}
		fmt.Fprintf(stdout, "private key written to / kunci privat ditulis ke %s: keep it offline; ikrar key rotate removes it from the data directory.\n", fs.Arg(0))
		return nil
	}
	return keyRotate(ctx, a, keys, exportOld, time.Duration(days)*24*time.Hour, stdout)
}

// keyRotate makes a new signing key, signs the log's current checkpoint
// with the old and the new key, so whoever trusts the old key can follow to
// the new one, and then retires the old key: its window ends and its
// private key leaves the disk (exported first if asked).
func keyRotate(ctx context.Context, a *app, keys *translog.Keyring, exportOld string, lifetime time.Duration, stdout io.Writer) error {
	if exportOld != "" {
		if err := keys.ExportSigner(exportOld); err != nil {
			return err
		}
	}
	// The handover is signed by both keys: never over a tree that does
	// not extend what the old key signed.
	check := &translog.Checkpointer{Store: a.db, Keys: keys, Now: time.Now, Log: slog.New(slog.DiscardHandler)}
	if err := check.Check(ctx); err != nil {
		if ie, ok := errors.AsType[*translog.InconsistentError](err); ok {
			return exitError{code: 1, msg: fmt.Sprintf("kunci tidak diganti: log yang tersimpan tidak sesuai dengan checkpoint terakhir yang ditandatangani; jalankan ikrar audit --data.\n"+
				"Key not rotated: %v; run ikrar audit --data.", ie)}
		}
		return err
	}
	oldWin := keys.CurrentWindow()
	if err := keys.Rotate(lifetime); err != nil {
		return err
	}
	size, err := a.db.StoredLogSize(ctx)
	if err != nil {
		return err
	}
	root, err := translog.TreeHash(size, a.db.HashReader(ctx))
	if err != nil {
		return fmt.Errorf("tree of the current log: %w", err)
	}
	msg, err := keys.SignCheckpoint(translog.Checkpoint{Origin: keys.Name(), Size: size, Root: root})
	if err != nil {
		return err
	}
	sc := translog.SignedCheckpoint{Size: size, Root: root, Note: msg}
	if err := keys.KeepSigned(sc); err != nil {
		return err
	}
	if err := a.db.SaveCosignedCheckpoint(ctx, sc, time.Now()); err != nil {
		return err
	}
	if err := keys.Retire(size); err != nil {
		return err
	}
	pub := keys.PublishedKeys()
	fmt.Fprintf(stdout, "new signing key / kunci penanda tangan baru:\n%s %s\n", pub[len(pub)-1].Verifier, pub[len(pub)-1].Window)
	if oldWin.Contains(time.Now()) {
		fmt.Fprintf(stdout, "checkpoint of size %d signed by the old and the new key (cross-signed); the old private key was removed", size)
	} else {
		fmt.Fprintf(stdout, "the old key's window had ended (%s): checkpoint of size %d signed by the new key only; announce the new key; the old private key was removed", oldWin, size)
	}
	if exportOld != "" {
		fmt.Fprintf(stdout, " (exported to %s)", exportOld)
	}
	fmt.Fprintf(stdout, ".\n%d verifier key(s) published at /api/v1/log/key; restart ikrar serve to sign with the new key.\n", len(pub))
	return nil
}

// keyOrigin names the log anew while it has no leaf: the keys made for the
// old name have signed nothing but empty checkpoints, so they and those
// checkpoints go, and the next serve makes keys for the new name.
func keyOrigin(ctx context.Context, reg registryFlags, origin string, stdout io.Writer) error {
	if !translog.ValidOrigin(origin) {
		return exitError{code: 2, msg: fmt.Sprintf("invalid origin %q: it must be non-empty, without spaces or '+'", origin)}
	}
	dir := *reg.dir
	a, err := reg.open(ctx)
	if err != nil {
		return err
	}
	defer a.Close()
	if err := a.db.ForgetEmptyLog(ctx); registry.IsCode(err, registry.ECONFLICT) {
		return exitError{code: 1, msg: fmt.Sprintf("nama log tidak dapat diganti: %s.\nThe log cannot be renamed: %s, each signed under its name.", registry.ErrorMessage(err), registry.ErrorMessage(err))}
	} else if err != nil {
		return err
	}
	keysDir := filepath.Join(dir, "keys")
	entries, err := os.ReadDir(keysDir)
	if err != nil && !errors.Is(err, os.ErrNotExist) {
		return err
	}
	for _, e := range entries {
		if err := os.Remove(filepath.Join(keysDir, e.Name())); err != nil {
			return err
		}
	}
	if err := os.WriteFile(filepath.Join(dir, "origin"), []byte(origin+"\n"), private.FileMode); err != nil {
		return fmt.Errorf("record log origin: %w", err)
	}
	fmt.Fprintf(stdout, "log origin / nama log: %s (the next ikrar serve makes its keys)\n", origin)
	return nil
}
