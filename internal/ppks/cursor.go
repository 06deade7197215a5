package ppks

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"slices"
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

// cursorKey authenticates cursors. As for page tokens the MAC keeps a cursor from being
// edited or made by hand, and binds it to its user; it is not a secret. What a cursor can
// make the feed show is the caller's own area, whatever it says.
var cursorKey = []byte("ppks sync cursor v1")

func (c *syncCursor) encode() string {
	payload, _ := json.Marshal(c)
	return base64.RawURLEncoding.EncodeToString(append(payload, cursorMAC(c.User, payload)...))
}

func cursorMAC(user string, payload []byte) []byte {
	m := hmac.New(sha256.New, cursorKey)
	m.Write([]byte(user))
	m.Write([]byte{0})
	m.Write(payload)
	return m.Sum(nil)[:12]
}

// decodeCursor reads a cursor of the user; ok is false for anything else (another
// user's cursor, a page token, an edited one).
func decodeCursor(token, user string) (*syncCursor, bool) {
	raw, err := base64.RawURLEncoding.DecodeString(token)
	if err != nil || len(raw) < 13 {
		return nil, false
	}
	payload, mac := raw[:len(raw)-12], raw[len(raw)-12:]
	if !hmac.Equal(mac, cursorMAC(user, payload)) {
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
