package opa_test

import (
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/open-policy-agent/opa/v1/ast"
	"github.com/open-policy-agent/opa/v1/format"
	"github.com/stretchr/testify/require"
)

// TestPolicyFormatted keeps the built-in Rego in opa fmt's canonical form.
func TestPolicyFormatted(t *testing.T) {
	err := filepath.WalkDir("policy", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(path, ".rego") {
			return err
		}
		src, err := os.ReadFile(path)
		require.NoError(t, err)
		want, err := format.SourceWithOpts(path, src, format.Opts{RegoVersion: ast.RegoV1})
		require.NoError(t, err, path)
		if string(want) != string(src) {
			if *update {
				require.NoError(t, os.WriteFile(path, want, 0o644))
				return nil
			}
			t.Errorf("%s is not formatted as opa fmt would (run go test -run TestPolicyFormatted -update)", path)
		}
		return nil
	})
	require.NoError(t, err)
}
