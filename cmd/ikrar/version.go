package main

import (
	"fmt"
	"io"
	"runtime"
	"runtime/debug"

	"github.com/ikrar-id/ikrar/internal/store/sqlite"
)

// cmdVersion prints what an operator quotes in a report and checks
// before an upgrade: the release, the commit, the schema it runs and the
// Go toolchain it was built with.
func cmdVersion(args []string, stdout io.Writer) error {
	if len(args) > 0 {
		return exitError{code: 2, msg: "usage: ikrar version"}
	}
	version, revision := buildVersion()
	if revision == "" {
		revision = "tidak tercatat / not recorded"
	}
	schema, err := sqlite.KnownSchemaVersion()
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "ikrar %s\n", version)
	fmt.Fprintf(stdout, "  revisi / revision: %s\n", revision)
	fmt.Fprintf(stdout, "  skema / schema:    %d\n", schema)
	fmt.Fprintf(stdout, "  go:                %s\n", runtime.Version())
	return nil
}

// stampedVersion and stampedRevision are set by a build that has no VCS
// information to record (a Docker build copies no .git; GOFLAGS may say
// -buildvcs=false): go build -ldflags "-X main.stampedVersion=v1.4.0
// -X main.stampedRevision=$(git rev-parse HEAD)". They win over the build
// information.
var stampedVersion, stampedRevision string

// buildVersion is the module version ikrar was built as ("(devel)" for a
// build from a checkout) and the VCS revision it was built from, with
// "+dirty" if the checkout had changes ("" if not recorded).
func buildVersion() (version, revision string) {
	info, ok := debug.ReadBuildInfo()
	if !ok {
		info = &debug.BuildInfo{}
	}
	version = info.Main.Version
	if version == "" {
		version = "(devel)"
	}
	var dirty bool
	for _, s := range info.Settings {
		switch s.Key {
		case "vcs.revision":
			revision = s.Value
		case "vcs.modified":
			dirty = s.Value == "true"
		}
	}
	if revision != "" && dirty {
		revision += "+dirty"
	}
	if stampedVersion != "" {
		version = stampedVersion
	}
	if stampedRevision != "" {
		revision = stampedRevision
	}
	return version, revision
}
