package ppks

import (
	"sync"
	"time"
)

// authCacheTTL bounds how long an authentication is reused without reading the token
// again. Revoking a token or changing a user through the service clears the cache at
// once; a change made to the database file by another process (ppksctl) takes effect
// within this time.
const authCacheTTL = 30 * time.Second

// maxAuthCache bounds the cache; it is cleared when full (tokens are few: one per device).
const maxAuthCache = 10000

// authCache remembers recent authentications, keyed by the token hash: looking the token
// up on every request cost an eighth of the server's CPU under load.
type authCache struct {
	mu      sync.Mutex
	entries map[string]authEntry
}

type authEntry struct {
	p       *Principal
	until   time.Time // reuse until then
	expires time.Time // the token's own expiry; zero: none
}

func (c *authCache) get(key string, now time.Time) *Principal {
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.entries[key]
	if !ok || !now.Before(e.until) || (!e.expires.IsZero() && !now.Before(e.expires)) {
		return nil
	}
	return e.p
}

func (c *authCache) put(key string, e authEntry) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.entries == nil || len(c.entries) >= maxAuthCache {
		c.entries = map[string]authEntry{}
	}
	c.entries[key] = e
}

// clear forgets every authentication, after a token or user changed.
func (c *authCache) clear() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.entries = nil
}
