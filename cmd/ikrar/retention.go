package main

import (
	"context"
	"flag"
	"fmt"
	"io"

	"github.com/ikrar-id/ikrar/internal/registry"
)

// cmdEraseExpired erases the personal data of the records of every event
// whose retention date has passed, as the single-record erasure does (the
// log stays valid), and prints what personal data remains in the registry.
func cmdEraseExpired(ctx context.Context, args []string, stdout, stderr io.Writer, getenv func(string) string) error {
	fs := flag.NewFlagSet("erase-expired", flag.ContinueOnError)
	reg := storeFlags(fs, getenv)
	if err := parseFlags(fs, args, stderr); err != nil {
		return err
	}
	if fs.NArg() != 0 {
		return exitError{code: 2, msg: "usage: ikrar erase-expired --data DIR"}
	}
	a, err := reg.open(ctx)
	if err != nil {
		return err
	}
	defer a.Close()
	run, err := a.svc.EraseExpired(ctx, registry.Actor{User: registry.System, IP: "cli"})
	if err != nil {
		return exitError{code: 1, msg: registry.ErrorMessage(err)}
	}
	writeRetentionRun(stdout, run)
	return nil
}

// writeRetentionRun prints what an erasure did and what personal data
// remains.
func writeRetentionRun(w io.Writer, run registry.RetentionRun) {
	fmt.Fprintf(w, "%d acara melewati tanggal retensi / events past their retention date; %d catatan dihapus data pribadinya / records erased\n",
		len(run.Events), len(run.Records))
	for _, id := range run.Events {
		fmt.Fprintf(w, "  acara/event %d\n", id)
	}
	fmt.Fprintln(w, "Data pribadi yang tersisa / personal data remaining:")
	for _, c := range run.Remains {
		fmt.Fprintf(w, "  %-20s %8d  %s\n", c.Table, c.Count, c.Kind)
	}
}
