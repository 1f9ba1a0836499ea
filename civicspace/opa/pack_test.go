package opa_test

import (
	"net"
	"sync/atomic"
	"testing"
	"time"

	"github.com/civicspace/civicspace/civicspace"
	"github.com/civicspace/civicspace/civicspace/opa"
	"github.com/stretchr/testify/require"
)

// TestPackSandbox uploads hostile packs while a loopback listener counts
// connections: each forbidden builtin is a compile error naming it, a
// looping pack is cancelled within its deadline, and nothing connects out.
func TestPackSandbox(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	defer ln.Close()
	var accepted atomic.Int64
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			accepted.Add(1)
			c.Close()
		}
	}()
	addr := "http://" + ln.Addr().String()
	cat := civicspace.DefaultCatalog()
	compiler := &opa.PackCompiler{Catalog: cat, Timeout: 100 * time.Millisecond}

	for builtin, call := range map[string]string{
		"http.send":          `http.send({"method": "GET", "url": "` + addr + `"})`,
		"net.lookup_ip_addr": `net.lookup_ip_addr("localhost")`,
		"opa.runtime":        `opa.runtime()`,
		"rand.intn":          `rand.intn("x", 10)`,
		"time.now_ns":        `time.now_ns()`,
		"uuid.rfc4122":       `uuid.rfc4122("x")`,
		"io.jwt.encode_sign": `io.jwt.encode_sign({"alg": "HS256"}, {}, {"kty": "oct", "k": "eA"})`,
	} {
		t.Run(builtin, func(t *testing.T) {
			p := &civicspace.PolicyPack{Name: "evil", Version: "1", Files: map[string]string{
				"evil/evil.rego": "package evil\n\nx := " + call + "\n",
			}}
			_, _, err := compiler.CompilePack(t.Context(), p)
			require.Equal(t, civicspace.EINVALID, civicspace.ErrorCode(err))
			require.Contains(t, err.Error(), builtin, "the error names the builtin")
			require.Empty(t, p.Digest)
		})
	}

	t.Run("failing tests refuse the pack", func(t *testing.T) {
		p := &civicspace.PolicyPack{Name: "t", Version: "1", Files: map[string]string{
			"mine/mine_test.rego": "package mine_test\n\ntest_fails if { 1 == 2 }\n",
		}}
		_, _, err := compiler.CompilePack(t.Context(), p)
		require.Equal(t, civicspace.EINVALID, civicspace.ErrorCode(err))
		require.Contains(t, civicspace.ErrorProblems(err)[0].Detail, "test_fails")
	})

	require.Zero(t, accepted.Load(), "a pack made an outbound connection")
}
