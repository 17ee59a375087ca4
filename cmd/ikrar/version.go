package main

import (
	"runtime/debug"
)

// buildVersion is the module version ikrar was built as ("(devel)" for a
// build from a checkout) and the VCS revision it was built from, with
// "+dirty" if the checkout had changes ("" if not recorded).
func buildVersion() (version, revision string) {
	info, ok := debug.ReadBuildInfo()
	if !ok {
		return "unknown", ""
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
	return version, revision
}
