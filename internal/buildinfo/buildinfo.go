// Package buildinfo says which build of civicspace is running: the version
// stamped at build time, else what the Go toolchain recorded.
package buildinfo

import (
	"runtime"
	"runtime/debug"
	"strings"
)

// Version is stamped at build time:
//
//	go build -ldflags "-X github.com/civicspace/civicspace/internal/buildinfo.Version=v1.2.0" ./cmd/civicspace
//
// scripts/release.sh and the Dockerfile do. Left empty, Get falls back to
// the module version and VCS stamp the Go toolchain recorded.
var Version string

// Info describes a build.
type Info struct {
	// Version is the stamped version, else the main module's version
	// ("(devel)" for a build from a checkout).
	Version string
	// Revision is the VCS commit (empty if the build did not record one),
	// with "-dirty" when the tree had changes.
	Revision  string
	GoVersion string
}

// Get returns the running build's Info.
func Get() Info {
	info := Info{Version: Version, GoVersion: runtime.Version()}
	bi, ok := debug.ReadBuildInfo()
	if !ok {
		if info.Version == "" {
			info.Version = "unknown"
		}
		return info
	}
	if info.Version == "" {
		info.Version = bi.Main.Version
	}
	if info.Version == "" {
		info.Version = "(devel)"
	}
	var dirty bool
	for _, s := range bi.Settings {
		switch s.Key {
		case "vcs.revision":
			info.Revision = s.Value
		case "vcs.modified":
			dirty = s.Value == "true"
		}
	}
	if dirty && info.Revision != "" {
		info.Revision += "-dirty"
	}
	return info
}

// String is the one-line form: "civicspace v1.2.0 (commit 1c8d620, go1.26.8)".
func (i Info) String() string {
	s := "civicspace " + i.Version + " ("
	if i.Revision != "" {
		rev, dirty := strings.CutSuffix(i.Revision, "-dirty")
		rev = rev[:min(len(rev), 12)]
		if dirty {
			rev += "-dirty"
		}
		s += "commit " + rev + ", "
	}
	return s + i.GoVersion + ")"
}
