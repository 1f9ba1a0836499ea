package api_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/netip"
	"net/url"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/civicspace/civicspace/api"
	"github.com/civicspace/civicspace/civicspace"
	"github.com/civicspace/civicspace/civicspace/opa"
	"github.com/stretchr/testify/require"
)

// requireHealthy checks the server still serves: liveness, readiness and
// a policy evaluation under the server's own policy.
func requireHealthy(t *testing.T, e *env) {
	t.Helper()
	res := e.do("GET", "/healthz", nil)
	require.Equal(t, http.StatusOK, res.StatusCode)
	require.JSONEq(t, `{"status":"ok"}`, string(res.body))
	res = e.do("GET", "/readyz", nil)
	require.Equal(t, http.StatusOK, res.StatusCode, "%s", res.body)
	res = e.do("POST", "/v1/score", fullAssessment(e.svc.Catalog, "NOR"))
	require.Equal(t, http.StatusOK, res.StatusCode, "%s", res.body)
}

// TestLoopingPack uploads policy packs that cannot finish: one that loops
// when it scores is cancelled at its deadline when an assessment is
// rescored under it (503, nothing stored), ones whose own checks loop are
// refused at upload (422) within the compiler's budget, and the server
// stays healthy throughout.
func TestLoopingPack(t *testing.T) {
	const timeout, budget = 200 * time.Millisecond, time.Second
	forEachStore(t, func(t *testing.T, open storeOpener) {
		e := newEnv(t, open, withPacks(&opa.PackCompiler{
			Catalog: civicspace.DefaultCatalog(), Countries: civicspace.DefaultCountries(), Timeout: timeout, Budget: budget}))

		res := e.do("POST", "/v1/assessments", fullAssessment(e.svc.Catalog, "NOR"))
		require.Equal(t, http.StatusCreated, res.StatusCode, "%s", res.body)
		var rec api.AssessmentRecord
		res.decode(t, &rec)
		res = e.do("GET", "/v1/assessments/"+rec.ID+"/score", nil)
		require.Equal(t, http.StatusOK, res.StatusCode)
		original := string(res.body)

		// It passes the upload's checks: it loops only on an assessment.
		res = e.do("POST", "/v1/policy-packs", map[string]any{"name": "loop", "version": "1", "files": map[string]string{
			"loop/extra.rego": "package civicspace.extra\n\nr := numbers.range(1, 1000)\n\n" +
				`red_flags := {{"id": "x", "title": "x", "cap": a + b + c} | some a in r; some b in r; some c in r}` + "\n",
		}})
		require.Equal(t, http.StatusCreated, res.StatusCode, "%s", res.body)

		for range 3 {
			start := time.Now()
			p := e.do("POST", "/v1/assessments/"+rec.ID+"/rescore?pack=loop@1", nil).problem(t, http.StatusServiceUnavailable, civicspace.ETIMEOUT)
			require.Less(t, time.Since(start), budget+timeout+3*time.Second, "cancelled at its deadline")
			require.Contains(t, p.Detail, "deadline")
			requireHealthy(t, e)
		}
		res = e.do("GET", "/v1/assessments/"+rec.ID+"/score", nil)
		require.Equal(t, http.StatusOK, res.StatusCode)
		require.Equal(t, original, string(res.body), "the stored score is untouched")

		var tests strings.Builder
		tests.WriteString("package loop_test\n\n")
		for i := range 40 {
			fmt.Fprintf(&tests, "test_loop_%d if { count({x | some x in numbers.range(1, 1000000000)}) > %d }\n\n", i, i)
		}
		for name, files := range map[string]map[string]string{
			"looping tests":    {"loop/loop_test.rego": tests.String()},
			"looping settings": {"loop/policy.rego": "package civicspace.policy\n\nhuge := count({x | some x in numbers.range(1, 1000000000)})\n"},
		} {
			t.Run(name, func(t *testing.T) {
				e.t = t
				start := time.Now()
				p := e.do("POST", "/v1/policy-packs", map[string]any{"name": "loop", "version": "2", "files": files}).
					problem(t, http.StatusUnprocessableEntity, civicspace.EINVALID)
				require.Less(t, time.Since(start), budget+3*time.Second, "refused within the budget")
				require.Contains(t, p.Detail, "did not finish")
				require.NotEmpty(t, p.Errors)
				e.do("GET", "/v1/policy-packs/loop/2", nil).problem(t, http.StatusNotFound, civicspace.ENOTFOUND)
				requireHealthy(t, e)
			})
		}
	})
}

// TestAuthFailureLimit fails authentication from one address until it is
// answered 429 with Retry-After; a key that verifies still gets in (the
// hostile test found a valid admin key locked out by a stranger's ten
// guesses), and requests without a key are not held back.
func TestAuthFailureLimit(t *testing.T) {
	e := newEnv(t, stores["sqlite"], withAPIOptions(api.WithAuthFailureLimit(3, time.Hour)))
	valid := e.key
	id, err := civicspace.ParseAPIKey(valid)
	require.NoError(t, err)
	for i, bad := range []string{"Bearer csk_nosuchid_" + strings.Repeat("A", 43), "Bearer " + valid + "x", "Basic dXNlcjpwYXNz"} {
		p := e.do("GET", "/v1/keys", nil, header{"Authorization", bad}).problem(t, http.StatusUnauthorized, civicspace.EUNAUTHORIZED)
		require.NotEmpty(t, p.Detail, "attempt %d", i)
	}
	for range 20 {
		res := e.do("GET", "/v1/keys", nil, header{"Authorization", "Bearer csk_" + id + "_guess"})
		p := res.problem(t, http.StatusTooManyRequests, "rate_limited")
		require.Contains(t, p.Detail, "too many failed authentications")
		after, err := strconv.Atoi(res.Header.Get("Retry-After"))
		require.NoError(t, err, "Retry-After is a number of seconds: %q", res.Header.Get("Retry-After"))
		require.Positive(t, after)
		require.LessOrEqual(t, after, int(time.Hour/time.Second))

		res = e.do("GET", "/v1/keys", nil, bearer(valid))
		require.Equal(t, http.StatusOK, res.StatusCode, "a key that verifies is never refused for others' failures: %s", res.body)
	}
	res := e.do("GET", "/v1/catalog", nil, bearer(""))
	require.Equal(t, http.StatusOK, res.StatusCode, "anonymous reads are not held back")
}

// TestTrustedProxies: behind a trusted proxy each client has its own
// failure budget, named by X-Forwarded-For or Forwarded; from an untrusted
// peer those headers are ignored, so forging them escapes nothing.
func TestTrustedProxies(t *testing.T) {
	guess := header{"Authorization", "Bearer csk_nosuchid_" + strings.Repeat("A", 43)}
	failUntilLimited := func(t *testing.T, e *env, hs ...header) {
		t.Helper()
		e.do("GET", "/v1/keys", nil, append(hs, guess)...).problem(t, http.StatusUnauthorized, civicspace.EUNAUTHORIZED)
		e.do("GET", "/v1/keys", nil, append(hs, guess)...).problem(t, http.StatusTooManyRequests, "rate_limited")
	}
	t.Run("trusted", func(t *testing.T) {
		e := newEnv(t, stores["sqlite"], withAPIOptions(api.WithAuthFailureLimit(1, time.Hour),
			api.WithTrustedProxies(netip.MustParsePrefix("127.0.0.0/8"), netip.MustParsePrefix("10.0.0.0/8"))))
		failUntilLimited(t, e, header{"X-Forwarded-For", "198.51.100.7"})
		// Another client behind the same proxy has its own budget.
		e.do("GET", "/v1/keys", nil, guess, header{"X-Forwarded-For", "198.51.100.8"}).problem(t, http.StatusUnauthorized, civicspace.EUNAUTHORIZED)
		// The client is the last untrusted hop: a forged first entry and
		// a second proxy of ours do not change who it is.
		e.do("GET", "/v1/keys", nil, guess, header{"X-Forwarded-For", "203.0.113.1, 198.51.100.7, 10.1.2.3"}).problem(t, http.StatusTooManyRequests, "rate_limited")
		// Forwarded (RFC 7239), with a port and IPv6.
		e.do("GET", "/v1/keys", nil, guess, header{"Forwarded", `for=198.51.100.7:4711;proto=https`}).problem(t, http.StatusTooManyRequests, "rate_limited")
		failUntilLimited(t, e, header{"Forwarded", `for="[2001:db8::1]:4711", for=10.0.0.2`})
		require.Contains(t, e.logs.String(), `"client_addr":"2001:db8::1"`)
	})
	t.Run("untrusted", func(t *testing.T) {
		e := newEnv(t, stores["sqlite"], withAPIOptions(api.WithAuthFailureLimit(1, time.Hour),
			api.WithTrustedProxies(netip.MustParsePrefix("10.0.0.0/8"))))
		failUntilLimited(t, e, header{"X-Forwarded-For", "198.51.100.7"})
		e.do("GET", "/v1/keys", nil, guess, header{"X-Forwarded-For", "198.51.100.8"}).problem(t, http.StatusTooManyRequests, "rate_limited")
		e.do("GET", "/v1/keys", nil, guess, header{"Forwarded", "for=198.51.100.9"}).problem(t, http.StatusTooManyRequests, "rate_limited")
		require.Contains(t, e.logs.String(), `"client_addr":"127.0.0.1"`)
	})
}

// TestKeyRateLimit sends more requests with one key than its limit allows:
// the excess is answered 429 with Retry-After, while other keys and
// anonymous callers go on.
func TestKeyRateLimit(t *testing.T) {
	e := newEnv(t, stores["sqlite"], withAPIOptions(api.WithRateLimit(0.01, 3)))
	for i := range 3 {
		res := e.do("GET", "/v1/keys", nil)
		require.Equal(t, http.StatusOK, res.StatusCode, "%s", res.body)
		require.Equal(t, "3", res.Header.Get("RateLimit-Limit"))
		require.Equal(t, strconv.Itoa(2-i), res.Header.Get("RateLimit-Remaining"))
		require.Equal(t, "3;w=300", res.Header.Get("RateLimit-Policy"))
		reset, err := strconv.Atoi(res.Header.Get("RateLimit-Reset"))
		require.NoError(t, err)
		require.InDelta(t, 100*(i+1), reset, 1, "one token every 100 s")
	}
	res := e.do("GET", "/v1/keys", nil)
	require.Equal(t, "0", res.Header.Get("RateLimit-Remaining"))
	p := res.problem(t, http.StatusTooManyRequests, "rate_limited")
	require.Contains(t, p.Detail, "this API key made too many requests")
	after, err := strconv.Atoi(res.Header.Get("Retry-After"))
	require.NoError(t, err)
	require.Greater(t, after, 1, "at 0.01 requests per second the next token is minutes away")

	other := e.newKey(civicspace.KeySpec{Role: civicspace.RoleWatchdog, Organisation: "Civic Watch"})
	res = e.do("GET", "/v1/assessments", nil, bearer(other))
	require.Equal(t, http.StatusOK, res.StatusCode, "another key has its own limit")
	res = e.do("GET", "/v1/catalog", nil, bearer(""))
	require.Equal(t, http.StatusOK, res.StatusCode)
}

// TestKeyLifecycle creates a key over REST (its secret in that response
// only), uses it, revokes it; a revoked key and an expired one get 401
// with WWW-Authenticate.
func TestKeyLifecycle(t *testing.T) {
	forEachStore(t, func(t *testing.T, open storeOpener) {
		e := newEnv(t, open)
		res := e.do("POST", "/v1/keys", map[string]any{"name": "Norway's assessor", "role": "assessor",
			"subjects": []string{"NOR"}, "organisation": "Ministry of Justice of NOR", "expires_in": "720h"})
		require.Equal(t, http.StatusCreated, res.StatusCode, "%s", res.body)
		var created api.CreatedKey
		res.decode(t, &created)
		require.True(t, strings.HasPrefix(created.Secret, "csk_"+created.Key.ID+"_"), created.Secret)
		require.Equal(t, api.KeyRole("assessor"), created.Key.Role)
		require.WithinDuration(t, time.Now().Add(720*time.Hour), created.Key.ExpiresAt, time.Minute)
		secretPart := strings.TrimPrefix(created.Secret, "csk_"+created.Key.ID+"_")

		res = e.do("GET", "/v1/assessments", nil, bearer(created.Secret))
		require.Equal(t, http.StatusOK, res.StatusCode, "the new key works")

		// Never shown again: not in the list, not in the audit trail.
		res = e.do("GET", "/v1/keys", nil)
		require.Equal(t, http.StatusOK, res.StatusCode)
		require.NotContains(t, string(res.body), secretPart)
		require.NotContains(t, string(res.body), `"secret"`)
		var list api.KeyList
		res.decode(t, &list)
		var listed *api.APIKey
		for i := range list.Keys {
			if list.Keys[i].ID == created.Key.ID {
				listed = &list.Keys[i]
			}
		}
		require.NotNil(t, listed)
		require.Equal(t, []string{"NOR"}, listed.Subjects)
		require.False(t, listed.LastUsedAt.IsZero(), "its use was recorded")
		res = e.do("GET", "/v1/audit", nil)
		require.Equal(t, http.StatusOK, res.StatusCode)
		require.Contains(t, string(res.body), created.Key.ID)
		require.NotContains(t, string(res.body), secretPart)

		res = e.do("POST", "/v1/keys/"+created.Key.ID+"/revoke", nil)
		require.Equal(t, http.StatusOK, res.StatusCode, "%s", res.body)
		var revoked api.APIKey
		res.decode(t, &revoked)
		require.False(t, revoked.RevokedAt.IsZero())
		e.do("POST", "/v1/keys/nosuchid/revoke", nil).problem(t, http.StatusNotFound, civicspace.ENOTFOUND)

		// A key that expired an hour ago, made two hours ago with a
		// lifetime of one.
		expiredSecret, k, err := civicspace.NewAPIKey(civicspace.KeySpec{Role: civicspace.RoleAdmin, TTL: time.Hour}, "test", time.Now().Add(-2*time.Hour))
		require.NoError(t, err)
		require.NoError(t, e.store.CreateKey(context.Background(), k))

		for _, tc := range []struct{ name, secret, detail string }{
			{"revoked", created.Secret, "revoked"},
			{"expired", expiredSecret, "expired"},
		} {
			t.Run(tc.name, func(t *testing.T) {
				e.t = t
				for _, path := range []string{"/v1/assessments", "/v1/catalog", "/v1/keys"} {
					res := e.do("GET", path, nil, bearer(tc.secret))
					p := res.problem(t, http.StatusUnauthorized, civicspace.EUNAUTHORIZED)
					require.Contains(t, p.Detail, tc.detail)
					require.Equal(t, `Bearer realm="civicspace", error="invalid_token"`, res.Header.Get("WWW-Authenticate"))
				}
			})
		}
	})
}

// TestAuditTrail makes every kind of write with the role that may make
// it, then reads the trail as an admin: who, what, on what, newest
// first, filtered and paged. Other roles may not read it.
func TestAuditTrail(t *testing.T) {
	forEachStore(t, func(t *testing.T, open storeOpener) {
		e := newEnv(t, open)
		assessor := e.newKey(civicspace.KeySpec{Role: civicspace.RoleAssessor, Subjects: []string{"NOR"}, Organisation: "Ministry of Justice of NOR"})
		reviewer := e.newKey(civicspace.KeySpec{Role: civicspace.RoleReviewer, Subjects: []string{"NOR"}})
		watchdog := e.newKey(civicspace.KeySpec{Role: civicspace.RoleWatchdog, Organisation: "Civic Watch"})
		actor := func(secret string) string {
			id, err := civicspace.ParseAPIKey(secret)
			require.NoError(t, err)
			return "key:" + id
		}
		a := fullAssessment(e.svc.Catalog, "NOR")

		res := e.do("POST", "/v1/assessments", a, bearer(assessor))
		require.Equal(t, http.StatusCreated, res.StatusCode, "%s", res.body)
		var rec api.AssessmentRecord
		res.decode(t, &rec)
		path := "/v1/assessments/" + rec.ID
		a.Title = "Self-assessment 2025, second draft"
		res = e.do("PUT", path, a, bearer(assessor), ifMatch(res.Header.Get("ETag")))
		require.Equal(t, http.StatusOK, res.StatusCode, "%s", res.body)
		res = e.do("POST", path+"/submit", nil, bearer(assessor), ifMatch(res.Header.Get("ETag")))
		require.Equal(t, http.StatusOK, res.StatusCode, "%s", res.body)
		res = e.do("POST", path+"/publish", nil, bearer(reviewer), ifMatch(res.Header.Get("ETag")))
		require.Equal(t, http.StatusOK, res.StatusCode, "%s", res.body)
		res = e.do("POST", "/v1/keys", map[string]any{"role": "watchdog", "organisation": "Another Watch"})
		require.Equal(t, http.StatusCreated, res.StatusCode, "%s", res.body)
		var created api.CreatedKey
		res.decode(t, &created)
		res = e.do("POST", "/v1/keys/"+created.Key.ID+"/revoke", nil)
		require.Equal(t, http.StatusOK, res.StatusCode, "%s", res.body)
		res = e.do("POST", "/v1/policy-packs", map[string]any{"name": "strict", "version": "1.0.0",
			"files": map[string]string{"civicspace/policy/data.json": `{"min_coverage": 0.9}`}})
		require.Equal(t, http.StatusCreated, res.StatusCode, "%s", res.body)
		// Refused writes are not in the trail.
		e.do("POST", path+"/withdraw", nil, bearer(assessor), ifMatch("*")).problem(t, http.StatusForbidden, civicspace.EFORBIDDEN)

		admin := actor(e.key)
		want := []struct{ action, actor, target string }{
			{"uploadPolicyPack", admin, "strict@1.0.0"},
			{"revokeKey", admin, created.Key.ID},
			{"createKey", admin, created.Key.ID},
			{"publishAssessment", actor(reviewer), rec.ID},
			{"submitAssessment", actor(assessor), rec.ID},
			{"updateAssessment", actor(assessor), rec.ID},
			{"createAssessment", actor(assessor), rec.ID},
		}
		readAll := func(query url.Values, size int) []api.AuditEntry {
			t.Helper()
			var all []api.AuditEntry
			query.Set("page_size", strconv.Itoa(size))
			for pages := 0; ; pages++ {
				require.Less(t, pages, 20)
				res := e.do("GET", "/v1/audit?"+query.Encode(), nil)
				require.Equal(t, http.StatusOK, res.StatusCode, "%s", res.body)
				var page api.AuditPage
				res.decode(t, &page)
				require.LessOrEqual(t, len(page.Entries), size)
				all = append(all, page.Entries...)
				if page.NextPageToken == "" {
					return all
				}
				query.Set("page_token", page.NextPageToken)
			}
		}
		all := readAll(url.Values{}, 2)
		require.Len(t, all, len(want), "every write once, across pages of 2")
		for i, w := range want {
			require.Equal(t, w.action, all[i].Action, "entry %d", i)
			require.Equal(t, w.actor, all[i].Actor, "entry %d", i)
			require.Equal(t, w.target, all[i].Target, "entry %d", i)
			require.NotEmpty(t, all[i].Details["request_id"])
			if i > 0 {
				require.False(t, all[i].At.After(all[i-1].At), "newest first")
			}
		}
		require.EqualValues(t, 4, all[3].Details["version"])
		require.Equal(t, "published", all[3].Details["status"])
		require.Equal(t, "watchdog", all[2].Details["role"])
		require.NotEmpty(t, all[0].Details["digest"])

		for _, tc := range []struct {
			query url.Values
			want  []string
		}{
			{url.Values{"action": {"publishAssessment"}}, []string{"publishAssessment"}},
			{url.Values{"actor": {actor(assessor)}}, []string{"submitAssessment", "updateAssessment", "createAssessment"}},
			{url.Values{"target": {rec.ID}, "actor": {actor(reviewer)}}, []string{"publishAssessment"}},
			{url.Values{"target": {created.Key.ID}}, []string{"revokeKey", "createKey"}},
			{url.Values{"since": {all[0].At.Add(time.Microsecond).Format(time.RFC3339Nano)}}, nil},
			{url.Values{"until": {all[len(all)-1].At.Add(time.Microsecond).Format(time.RFC3339Nano)}}, []string{"createAssessment"}},
		} {
			var got []string
			for _, entry := range readAll(tc.query, 1) {
				got = append(got, entry.Action)
			}
			require.Equal(t, tc.want, got, "%v", tc.query)
		}
		e.do("GET", "/v1/audit?page_token=garbage!", nil).problem(t, http.StatusBadRequest, civicspace.EINVALID)

		for _, key := range []string{assessor, reviewer, watchdog} {
			e.do("GET", "/v1/audit", nil, bearer(key)).problem(t, http.StatusForbidden, civicspace.EFORBIDDEN)
		}
		res = e.do("GET", "/v1/audit", nil, bearer(""))
		res.problem(t, http.StatusUnauthorized, civicspace.EUNAUTHORIZED)
		require.Equal(t, `Bearer realm="civicspace"`, res.Header.Get("WWW-Authenticate"))
	})
}

// TestRescoreKeepsTheOriginal rescores a published assessment under an
// uploaded pack: the score under the server's policy stays what every
// reader gets, and the pack's is read with ?pack= by an admin.
func TestRescoreKeepsTheOriginal(t *testing.T) {
	forEachStore(t, func(t *testing.T, open storeOpener) {
		e := newEnv(t, open)
		reviewer := e.newKey(civicspace.KeySpec{Role: civicspace.RoleReviewer, Subjects: []string{"NOR"}})
		res := e.do("POST", "/v1/assessments", fullAssessment(e.svc.Catalog, "NOR"))
		require.Equal(t, http.StatusCreated, res.StatusCode, "%s", res.body)
		var rec api.AssessmentRecord
		res.decode(t, &rec)
		path := "/v1/assessments/" + rec.ID
		res = e.do("POST", path+"/submit", nil, ifMatch(res.Header.Get("ETag")))
		require.Equal(t, http.StatusOK, res.StatusCode, "%s", res.body)
		res = e.do("POST", path+"/publish", nil, ifMatch(res.Header.Get("ETag")))
		require.Equal(t, http.StatusOK, res.StatusCode, "%s", res.body)

		res = e.do("GET", path+"/score", nil, bearer(""))
		require.Equal(t, http.StatusOK, res.StatusCode)
		original := string(res.body)
		var orig api.StoredScore
		res.decode(t, &orig)
		require.Equal(t, e.svc.Scorer.PolicyDigest(), orig.PolicyDigest)

		// A pack under which nothing is ever met.
		res = e.do("POST", "/v1/policy-packs", map[string]any{"name": "strict", "version": "1.0.0",
			"files": map[string]string{"civicspace/policy/data.json": `{"status": {"met": 101}}`}})
		require.Equal(t, http.StatusCreated, res.StatusCode, "%s", res.body)
		var pack api.PolicyPack
		res.decode(t, &pack)
		e.do("GET", path+"/score?pack=strict@1.0.0", nil).problem(t, http.StatusNotFound, civicspace.ENOTFOUND)

		res = e.do("POST", path+"/rescore?pack=strict@1.0.0", nil)
		require.Equal(t, http.StatusOK, res.StatusCode, "%s", res.body)
		var rescored api.StoredScore
		res.decode(t, &rescored)
		require.Equal(t, pack.Digest, rescored.PolicyDigest)
		require.NotEqual(t, orig.PolicyDigest, rescored.PolicyDigest)
		require.Equal(t, orig.Version, rescored.Version)
		var result api.Result
		require.NoError(t, json.Unmarshal(rescored.Result, &result))
		require.Equal(t, "strict@1.0.0", result.Provenance.PolicyName, "the score names its pack")
		require.NotEqual(t, string(orig.Result), string(rescored.Result))

		// The original is still what everyone reads by default.
		for _, key := range []string{"", reviewer, e.key} {
			res = e.do("GET", path+"/score", nil, bearer(key))
			require.Equal(t, http.StatusOK, res.StatusCode)
			require.Equal(t, original, string(res.body))
		}
		// The pack's, by name@version or by name (its latest version).
		for _, ref := range []string{"strict@1.0.0", "strict"} {
			res = e.do("GET", path+"/score?pack="+ref, nil)
			require.Equal(t, http.StatusOK, res.StatusCode, "%s", res.body)
			var got api.StoredScore
			res.decode(t, &got)
			require.Equal(t, rescored, got)
		}
		// Rescoring again returns the stored score, not a new one.
		res = e.do("POST", path+"/rescore?pack=strict", nil)
		require.Equal(t, http.StatusOK, res.StatusCode, "%s", res.body)
		var again api.StoredScore
		res.decode(t, &again)
		require.Equal(t, rescored.ComputedAt, again.ComputedAt)

		e.do("GET", path+"/score?pack=nosuch", nil).problem(t, http.StatusNotFound, civicspace.ENOTFOUND)
		e.do("GET", path+"/score?pack=strict&version=1", nil).problem(t, http.StatusNotFound, civicspace.ENOTFOUND)
		e.do("GET", path+"/score?pack=strict", nil, bearer(reviewer)).problem(t, http.StatusForbidden, civicspace.EFORBIDDEN)
		e.do("GET", path+"/score?pack=strict", nil, bearer("")).problem(t, http.StatusUnauthorized, civicspace.EUNAUTHORIZED)
	})
}

// countingCompiler counts pack compilations.
type countingCompiler struct {
	civicspace.PackCompiler
	calls atomic.Int64
}

func (c *countingCompiler) CompilePack(ctx context.Context, p *civicspace.PolicyPack) (civicspace.Scorer, int, error) {
	c.calls.Add(1)
	return c.PackCompiler.CompilePack(ctx, p)
}

// TestRescoreReusesThePack rescores several assessments under one pack:
// the pack is compiled (and its tests run) at upload and once for
// rescoring, not once per assessment; another pack is compiled on its own.
func TestRescoreReusesThePack(t *testing.T) {
	compiler := &countingCompiler{PackCompiler: &opa.PackCompiler{Catalog: civicspace.DefaultCatalog(), Countries: civicspace.DefaultCountries()}}
	e := newEnv(t, stores["sqlite"], withPacks(compiler))
	var ids []string
	for _, country := range []string{"NOR", "SWE", "DEU"} {
		res := e.do("POST", "/v1/assessments", fullAssessment(e.svc.Catalog, country))
		require.Equal(t, http.StatusCreated, res.StatusCode, "%s", res.body)
		var rec api.AssessmentRecord
		res.decode(t, &rec)
		ids = append(ids, rec.ID)
	}
	digests := map[string]string{}
	for _, version := range []string{"1", "2"} {
		res := e.do("POST", "/v1/policy-packs", map[string]any{"name": "strict", "version": version,
			"files": map[string]string{"civicspace/policy/data.json": `{"min_coverage": 0.` + version + `}`}})
		require.Equal(t, http.StatusCreated, res.StatusCode, "%s", res.body)
		var p api.PolicyPack
		res.decode(t, &p)
		digests[version] = p.Digest
	}
	require.EqualValues(t, 2, compiler.calls.Load())
	for _, version := range []string{"1", "2", "1"} {
		for _, id := range ids {
			res := e.do("POST", "/v1/assessments/"+id+"/rescore?pack=strict@"+version, nil)
			require.Equal(t, http.StatusOK, res.StatusCode, "%s", res.body)
			var sc api.StoredScore
			res.decode(t, &sc)
			require.Equal(t, digests[version], sc.PolicyDigest)
		}
	}
	require.EqualValues(t, 4, compiler.calls.Load(), "each pack compiled once more, for rescoring")
}
