package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/civicspace/civicspace/civicspace"
	"github.com/stretchr/testify/require"
)

// lockedBuffer is an output the server writes while the test reads it.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.Write(p)
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.String()
}

// server is `civicspace serve` running in the test process.
type server struct {
	url            string
	stop           context.CancelFunc
	exited         chan struct{} // closed when run returns
	code           int           // run's exit code, once exited
	stdout, stderr *lockedBuffer
	key            string // an admin's API key, made before serve started
}

// wait returns serve's exit code once it has stopped.
func (s *server) wait(t *testing.T) int {
	t.Helper()
	select {
	case <-s.exited:
		return s.code
	case <-time.After(30 * time.Second):
		t.Fatal("serve did not stop")
		return -1
	}
}

var servingLine = regexp.MustCompile(`civicspace serving (http://\S+) \(database (\S+), catalog \S+, policy sha256:[0-9a-f]{12}\)`)

// startServe runs `civicspace serve ARGS` until the test ends, and waits
// for it to print its address.
func startServe(t *testing.T, args ...string) *server {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	s := &server{stop: cancel, exited: make(chan struct{}), stdout: &lockedBuffer{}, stderr: &lockedBuffer{}}
	s.key = adminKey(t, args)
	go func() {
		defer close(s.exited)
		s.code = run(ctx, append([]string{"serve"}, args...), strings.NewReader(""), s.stdout, s.stderr)
	}()
	t.Cleanup(func() {
		cancel()
		s.wait(t)
	})
	deadline := time.Now().Add(60 * time.Second)
	for time.Now().Before(deadline) {
		if m := servingLine.FindStringSubmatch(s.stdout.String()); m != nil {
			s.url = m[1]
			return s
		}
		select {
		case <-s.exited:
			t.Fatalf("serve exited with %d: %s%s", s.code, s.stdout, s.stderr)
		case <-time.After(20 * time.Millisecond):
		}
	}
	t.Fatalf("serve did not start: %s%s", s.stdout, s.stderr)
	return nil
}

func (s *server) request(t *testing.T, method, path string, body []byte, headers ...string) (*http.Response, []byte) {
	t.Helper()
	req, err := http.NewRequest(method, s.url+path, bytes.NewReader(body))
	require.NoError(t, err)
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if s.key != "" {
		req.Header.Set("Authorization", "Bearer "+s.key)
	}
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	res, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer res.Body.Close()
	data, err := io.ReadAll(res.Body)
	require.NoError(t, err)
	return res, data
}

func readExample(t *testing.T, name string) []byte {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("..", "..", "examples", "assessments", name))
	require.NoError(t, err)
	return data
}

// TestServe runs the real command on a free port with a new SQLite file
// and walks a self-assessment through it.
func TestServe(t *testing.T) {
	dbPath := filepath.Join(t.TempDir(), "cs.db")
	s := startServe(t, "--addr", "127.0.0.1:0", "--db", "sqlite:"+dbPath, "--log-level", "debug")
	require.Contains(t, s.stdout.String(), "(database sqlite:"+dbPath+",")

	res, body := s.request(t, "GET", "/readyz", nil)
	require.Equal(t, http.StatusOK, res.StatusCode, "%s", body)

	// Create a draft from the example with its evidence removed: one problem.
	var a map[string]any
	require.NoError(t, json.Unmarshal(readExample(t, "open-xaa.json"), &a))
	answers := a["answers"].(map[string]any)
	var stripped string
	for id, ans := range answers {
		if m := ans.(map[string]any); m["evidence"] != nil {
			if ind, ok := civicspace.DefaultCatalog().Indicator(id); ok && ind.EvidenceRequired {
				delete(m, "evidence")
				stripped = id
				break
			}
		}
	}
	require.NotEmpty(t, stripped)
	draft, err := json.Marshal(a)
	require.NoError(t, err)
	res, body = s.request(t, "POST", "/v1/assessments", draft)
	require.Equal(t, http.StatusCreated, res.StatusCode, "%s", body)
	var rec struct {
		ID       string               `json:"id"`
		Problems []civicspace.Problem `json:"problems"`
	}
	require.NoError(t, json.Unmarshal(body, &rec))
	require.Len(t, rec.Problems, 1)
	require.Equal(t, "/answers/"+stripped+"/evidence", rec.Problems[0].Pointer)
	etag := res.Header.Get("ETag")

	res, body = s.request(t, "PUT", "/v1/assessments/"+rec.ID, readExample(t, "open-xaa.json"), "If-Match", etag)
	require.Equal(t, http.StatusOK, res.StatusCode, "%s", body)
	res, body = s.request(t, "POST", "/v1/assessments/"+rec.ID+"/submit", nil, "If-Match", res.Header.Get("ETag"))
	require.Equal(t, http.StatusOK, res.StatusCode, "%s", body)
	res, body = s.request(t, "POST", "/v1/assessments/"+rec.ID+"/publish", nil, "If-Match", res.Header.Get("ETag"))
	require.Equal(t, http.StatusOK, res.StatusCode, "%s", body)
	res, body = s.request(t, "GET", "/v1/assessments/"+rec.ID+"/score", nil)
	require.Equal(t, http.StatusOK, res.StatusCode, "%s", body)
	var sc struct {
		Version int    `json:"version"`
		Band    string `json:"band"`
		Result  struct {
			Rating struct {
				Band string `json:"band"`
			} `json:"rating"`
		} `json:"result"`
	}
	require.NoError(t, json.Unmarshal(body, &sc))
	require.Equal(t, 4, sc.Version)
	require.Equal(t, sc.Band, sc.Result.Rating.Band)
	require.Contains(t, civicspace.Bands, sc.Band)

	// Logs are JSON lines with the request ID.
	requestID := res.Header.Get("X-Request-Id")
	var line map[string]any
	for _, l := range strings.Split(s.stderr.String(), "\n") {
		if strings.Contains(l, requestID) {
			require.NoError(t, json.Unmarshal([]byte(l), &line))
		}
	}
	require.Equal(t, "GET /v1/assessments/{id}/score", line["route"], s.stderr.String())

	// SIGINT or SIGTERM cancels the context run gets: serve stops cleanly.
	s.stop()
	require.Equal(t, exitOK, s.wait(t), s.stderr.String())
	require.Contains(t, s.stdout.String(), "civicspace stopped")
}

// TestServeDrains checks that shutdown lets a request in flight finish.
func TestServeDrains(t *testing.T) {
	s := startServe(t, "--addr", "127.0.0.1:0", "--db", "sqlite:"+filepath.Join(t.TempDir(), "cs.db"))
	body := readExample(t, "open-xaa.json")

	// Send half a body, start the shutdown, then send the rest.
	pr, pw := io.Pipe()
	req, err := http.NewRequest("POST", s.url+"/v1/assessments", pr)
	require.NoError(t, err)
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+s.key)
	req.ContentLength = int64(len(body))
	type result struct {
		status int
		err    error
	}
	resc := make(chan result, 1)
	go func() {
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			resc <- result{err: err}
			return
		}
		_, _ = io.Copy(io.Discard, res.Body)
		res.Body.Close()
		resc <- result{status: res.StatusCode}
	}()
	_, err = pw.Write(body[:len(body)/2])
	require.NoError(t, err)
	time.Sleep(200 * time.Millisecond) // the server is reading the body

	s.stop()
	// New connections are refused once the listener is closed...
	addr := strings.TrimPrefix(s.url, "http://")
	require.Eventually(t, func() bool {
		c, err := net.DialTimeout("tcp", addr, 100*time.Millisecond)
		if err == nil {
			c.Close()
			return false
		}
		return true
	}, 10*time.Second, 20*time.Millisecond)
	select {
	case <-s.exited:
		t.Fatalf("serve exited (%d) with a request in flight", s.code)
	default:
	}

	// ...while the request in flight completes.
	_, err = pw.Write(body[len(body)/2:])
	require.NoError(t, err)
	require.NoError(t, pw.Close())
	r := <-resc
	require.NoError(t, r.err)
	require.Equal(t, http.StatusCreated, r.status)
	require.Equal(t, exitOK, s.wait(t), s.stderr.String())
}

// TestServeEnvironment checks the CIVICSPACE_* variables stand in for
// flags, and that a flag on the command line wins.
func TestServeEnvironment(t *testing.T) {
	t.Setenv("CIVICSPACE_ADDR", "127.0.0.1:0")
	t.Setenv("CIVICSPACE_DB", "sqlite:"+filepath.Join(t.TempDir(), "env.db"))
	t.Setenv("CIVICSPACE_MAX_BODY", "1KiB")
	t.Setenv("CIVICSPACE_LOG_LEVEL", "warn")
	s := startServe(t)
	require.Contains(t, s.stdout.String(), "env.db")

	body := readExample(t, "open-xaa.json")
	require.Greater(t, len(body), 1024)
	res, data := s.request(t, "POST", "/v1/validate", body)
	require.Equal(t, http.StatusRequestEntityTooLarge, res.StatusCode, "%s", data)
	require.Equal(t, "application/problem+json", res.Header.Get("Content-Type"))
	require.Contains(t, string(data), "larger than 1024 bytes")
	res, _ = s.request(t, "GET", "/healthz", nil)
	require.Equal(t, http.StatusOK, res.StatusCode)
	require.NotContains(t, s.stderr.String(), `"msg":"request"`, "info lines are below the warn level")

	s2 := startServe(t, "--max-body", "2MiB")
	res, data = s2.request(t, "POST", "/v1/validate", body)
	require.Equal(t, http.StatusOK, res.StatusCode, "%s", data)
}

func TestServeBadConfiguration(t *testing.T) {
	for _, tc := range []struct {
		name string
		env  map[string]string
		args []string
		want string
	}{
		{"log level", nil, []string{"--log-level", "loud"}, `unknown log level "loud"`},
		{"body limit", nil, []string{"--max-body", "lots"}, `"lots" is not a size`},
		{"body limit from the environment", map[string]string{"CIVICSPACE_MAX_BODY": "-1"}, nil, `CIVICSPACE_MAX_BODY="-1"`},
		{"database", nil, []string{"--db", "mysql://db/cs"}, "unknown kind of database"},
		{"base path", nil, []string{"--base-path", "civicspace"}, `"civicspace" is not a path`},
		{"CORS origins", nil, []string{"--cors-origins", "dashboard.example.org"}, `"dashboard.example.org" is not an origin`},
		{"trusted proxies", map[string]string{"CIVICSPACE_TRUSTED_PROXIES": "10.0.0.0/8,proxy.local"}, nil, `"proxy.local" is neither a CIDR`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			for k, v := range tc.env {
				t.Setenv(k, v)
			}
			code, _, stderr := runCLI(t, "", append([]string{"serve", "--addr", "127.0.0.1:0", "--db", "sqlite:" + filepath.Join(t.TempDir(), "x.db")}, tc.args...)...)
			require.Equal(t, exitInvalid, code, stderr)
			require.Contains(t, stderr, tc.want)
		})
	}

	// An address in use is an error, not a hang.
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	defer ln.Close()
	code, _, stderr := runCLI(t, "", "serve", "--addr", ln.Addr().String(), "--db", "sqlite:"+filepath.Join(t.TempDir(), "x.db"))
	require.Equal(t, exitFailure, code)
	require.Contains(t, stderr, "address already in use")
}

func TestByteSize(t *testing.T) {
	for in, want := range map[string]int64{"1048576": 1 << 20, "512KiB": 512 << 10, "1MiB": 1 << 20, "2GiB": 2 << 30, "100": 100} {
		var b byteSize
		require.NoError(t, b.Set(in), in)
		require.Equal(t, want, int64(b), in)
	}
	for _, in := range []string{"", "0", "-5", "1MB", "KiB", "1.5MiB", fmt.Sprint(int64(1) << 41)} {
		var b byteSize
		require.Error(t, b.Set(in), in)
	}
	b := byteSize(1 << 20)
	require.Equal(t, "1MiB", b.String())
	b = 1536
	require.Equal(t, "1536", b.String())
}

// adminKey makes an admin key with `civicspace keys create` in the
// database serve will be given (--db in args, else $CIVICSPACE_DB), as an
// operator bootstraps a server, and returns its secret.
func adminKey(t *testing.T, args []string) string {
	t.Helper()
	db := os.Getenv("CIVICSPACE_DB")
	for i, a := range args {
		if a == "--db" && i+1 < len(args) {
			db = args[i+1]
		}
	}
	if db == "" {
		return ""
	}
	var out, errs bytes.Buffer
	code := run(context.Background(), []string{"keys", "create", "--role", "admin", "--db", db}, strings.NewReader(""), &out, &errs)
	require.Equal(t, 0, code, "%s", errs.String())
	return strings.TrimSpace(out.String())
}
