package ppks

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"slices"
	"sync"
)

// syncCursor is where a client's replica stands in the feed: made for one user and the
// area they had, what is left of a download (Snapshot, from Key in its first kecamatan),
// and the position in the change log the replica has caught up to. It travels as an
// opaque token (encode): the client keeps it between pulls, across restarts of either
// side, and the server keeps nothing.
type syncCursor struct {
	V        int      `json:"v"`
	User     string   `json:"u"`
	Whole    bool     `json:"w,omitempty"` // the area was the whole kabupaten
	Area     []string `json:"a,omitempty"` // its kecamatan otherwise, sorted
	Pos      string   `json:"p"`           // position in the change log
	Snapshot []string `json:"s,omitempty"` // kecamatan still to download
	Key      string   `json:"k,omitempty"` // position in Snapshot[0]
}

// Cursors are authenticated with the database's own secret key (FeedReader.FeedKey),
// not a key written in this code: a cursor names a position in the change log, and one
// made by hand from the log's start would list the ids of records that left the area
// long before (their tombstones). The MAC also binds a cursor to its user. Whatever a
// valid cursor says, the feed shows only the caller's area now.
type cursorKeys struct {
	mu  sync.Mutex
	key []byte
}

// get returns the database's cursor key, read once.
func (k *cursorKeys) get(ctx context.Context, store FeedReader) ([]byte, error) {
	k.mu.Lock()
	defer k.mu.Unlock()
	if k.key == nil {
		key, err := store.FeedKey(ctx)
		if err != nil {
			return nil, err
		}
		if len(key) < 32 {
			return nil, fmt.Errorf("sync cursor key of %d bytes: at least 32 expected", len(key))
		}
		k.key = key
	}
	return k.key, nil
}

func (c *syncCursor) encode(key []byte) string {
	payload, _ := json.Marshal(c)
	return base64.RawURLEncoding.EncodeToString(append(payload, cursorMAC(key, c.User, payload)...))
}

func cursorMAC(key []byte, user string, payload []byte) []byte {
	m := hmac.New(sha256.New, key)
	m.Write([]byte(user))
	m.Write([]byte{0})
	m.Write(payload)
	return m.Sum(nil)[:16]
}

// decodeCursor reads a cursor of the user; ok is false for anything else (another
// user's cursor, another database's, a page token, an edited one).
func decodeCursor(key []byte, token, user string) (*syncCursor, bool) {
	raw, err := base64.RawURLEncoding.DecodeString(token)
	if err != nil || len(raw) < 17 {
		return nil, false
	}
	payload, mac := raw[:len(raw)-16], raw[len(raw)-16:]
	if !hmac.Equal(mac, cursorMAC(key, user, payload)) {
		return nil, false
	}
	var c syncCursor
	if json.Unmarshal(payload, &c) != nil || c.V != 1 || c.User != user {
		return nil, false
	}
	return &c, true
}

// areaOf returns the kecamatan of an area, sorted: for the whole kabupaten, every
// kecamatan of the catalog.
func (s *Service) areaOf(whole bool, codes []string) []string {
	if !whole {
		return slices.Sorted(slices.Values(codes))
	}
	out := make([]string, 0, len(s.Catalog.Kecamatan))
	for _, k := range s.Catalog.Kecamatan {
		out = append(out, k.Code)
	}
	slices.Sort(out)
	return out
}

// sameArea reports whether the cursor was made for the area.
func (c *syncCursor) sameArea(a Area) bool {
	if a.Whole() {
		return c.Whole
	}
	return !c.Whole && slices.Equal(c.Area, slices.Sorted(slices.Values(a)))
}

// setArea records the area on the cursor.
func (c *syncCursor) setArea(a Area) {
	c.Whole, c.Area = a.Whole(), nil
	if !a.Whole() {
		c.Area = slices.Sorted(slices.Values(a))
	}
}
