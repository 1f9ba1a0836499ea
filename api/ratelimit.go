package api

import (
	"math"
	"net/http"
	"strconv"
	"time"

	"golang.org/x/time/rate"
)

// failed counts a failed authentication against the client's address
// (clientAddr: the peer, or the client a trusted proxy names) and returns
// err, or a 429 once the address has no failure left. Only failures are
// counted and refused: a key that verifies never meets this limit, so a
// stranger guessing keys from the same address (or from behind the same
// proxy) cannot lock out valid keys.
func (a *authState) failed(r *http.Request, now time.Time, err error) error {
	fails := a.limiter(a.fails, clientAddr(r), a.failRate, a.failBurst)
	if !fails.AllowN(now, 1) {
		return tooMany(fails, now, "too many failed authentications from this address: wait before trying again")
	}
	return err
}

// rateLimitHeaders describes l's state after a request, in the fields of
// the IETF draft "RateLimit header fields for HTTP"
// (draft-ietf-httpapi-ratelimit-headers): the policy (burst;w=seconds to
// refill it), the limit, the requests left now, and the seconds until the
// bucket is full again.
func rateLimitHeaders(w http.ResponseWriter, l *rate.Limiter, now time.Time) {
	if l.Limit() <= 0 || l.Limit() == rate.Inf {
		return
	}
	burst := l.Burst()
	tokens := max(l.TokensAt(now), 0)
	window := int(math.Ceil(float64(burst) / float64(l.Limit())))
	reset := int(math.Ceil((float64(burst) - tokens) / float64(l.Limit())))
	h := w.Header()
	h.Set("RateLimit-Policy", strconv.Itoa(burst)+";w="+strconv.Itoa(window))
	h.Set("RateLimit-Limit", strconv.Itoa(burst))
	h.Set("RateLimit-Remaining", strconv.Itoa(int(math.Floor(tokens))))
	h.Set("RateLimit-Reset", strconv.Itoa(max(reset, 0)))
}
