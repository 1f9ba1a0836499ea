package buildinfo

import (
	"runtime"
	"testing"
)

func TestGet(t *testing.T) {
	old := Version
	t.Cleanup(func() { Version = old })

	Version = ""
	if got := Get().Version; got == "" {
		t.Fatal("without a stamp the version falls back to the build info, never empty")
	}
	Version = "v9.8.7"
	got := Get()
	if got.Version != "v9.8.7" || got.GoVersion != runtime.Version() {
		t.Fatalf("Get() = %+v, want the stamped version and %s", got, runtime.Version())
	}
}

func TestString(t *testing.T) {
	for _, tc := range []struct {
		info Info
		want string
	}{
		{Info{Version: "v1.2.0", GoVersion: "go1.26.8"}, "civicspace v1.2.0 (go1.26.8)"},
		{Info{Version: "v1.2.0", Revision: "1c8d620aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", GoVersion: "go1.26.8"}, "civicspace v1.2.0 (commit 1c8d620aaaaa, go1.26.8)"},
		{Info{Version: "(devel)", Revision: "1c8d620aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa-dirty", GoVersion: "go1.26.8"}, "civicspace (devel) (commit 1c8d620aaaaa-dirty, go1.26.8)"},
	} {
		if got := tc.info.String(); got != tc.want {
			t.Errorf("String() = %q, want %q", got, tc.want)
		}
	}
}
