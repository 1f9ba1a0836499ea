package opa

import "sync"

// answerResult is what the policy says about one answer: its points, the
// rule that gave them and why, and the red flags it raises. It depends on
// the indicator and the value only, so it is cached.
type answerResult struct {
	points      *float64
	rule        string
	explanation string
	flags       []raisedFlag
}

// raisedFlag is a red flag raised by one answer or by an assessment-wide
// policy rule.
type raisedFlag struct {
	id, indicator, title string
	cap                  float64
	explanation          string
}

// cache is a bounded, concurrency-safe map. It keeps two generations: when
// the current one is full it becomes the previous one and the older is
// dropped; a hit in the previous generation is copied forward, so entries
// in use survive (an approximation of LRU without per-hit bookkeeping). A
// nil *cache caches nothing.
type cache[V any] struct {
	mu       sync.RWMutex
	limit    int // per generation
	cur, old map[string]V
}

func newCache[V any](size int) *cache[V] {
	if size <= 0 {
		return nil
	}
	limit := max(size/2, 1)
	return &cache[V]{limit: limit, cur: make(map[string]V, min(limit, 1024))}
}

func (c *cache[V]) get(key string) (V, bool) {
	if c == nil {
		var zero V
		return zero, false
	}
	c.mu.RLock()
	v, ok := c.cur[key]
	fromOld := false
	if !ok {
		v, ok = c.old[key]
		fromOld = ok
	}
	c.mu.RUnlock()
	if fromOld {
		c.put(key, v)
	}
	return v, ok
}

func (c *cache[V]) put(key string, v V) {
	if c == nil {
		return
	}
	c.mu.Lock()
	if len(c.cur) >= c.limit {
		c.old, c.cur = c.cur, make(map[string]V, min(c.limit, 1024))
	}
	c.cur[key] = v
	c.mu.Unlock()
}

// len returns the number of entries held.
func (c *cache[V]) len() int {
	if c == nil {
		return 0
	}
	c.mu.RLock()
	defer c.mu.RUnlock()
	return len(c.cur) + len(c.old)
}
