package ppks

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"strings"
)

// Page sizes of list methods (AIP-158).
const (
	DefaultPageSize = 50
	MaxPageSize     = 1000
)

// PageRequest asks a store for up to Limit items after the key After (keyset pagination).
type PageRequest struct {
	After string // key of the last item of the previous page; empty for the first page
	Limit int
}

// pageTokenKey authenticates page tokens. A token is not a secret: the MAC only makes
// tampered or hand-made tokens fail cleanly instead of paging from an arbitrary key.
var pageTokenKey = []byte("ppks page token v1")

// page parses page_size and page_token for a list whose query is described by scope
// (method, parent and filter): a token is valid only with the query it came from.
func page(size int32, token, scope string) (PageRequest, error) {
	var vs violations
	switch {
	case size < 0:
		vs.add("page_size", "OUT_OF_RANGE", "must not be negative", "Tidak boleh negatif.")
	case size > MaxPageSize:
		vs.add("page_size", "OUT_OF_RANGE", "at most 1000", "Paling banyak 1000.")
	}
	n := int(size)
	if n == 0 {
		n = DefaultPageSize
	}
	var after string
	if token != "" {
		var ok bool
		if after, ok = decodePageToken(token, scope); !ok {
			vs.add("page_token", "INVALID_PAGE_TOKEN", "not a page token of this query", "Token halaman tidak valid untuk permintaan ini.")
		}
	}
	return PageRequest{After: after, Limit: n}, vs.err()
}

// nextPageToken returns the token for the page after the one whose last key is last,
// or "" when there are no more items.
func nextPageToken(more bool, last, scope string) string {
	if !more {
		return ""
	}
	return encodePageToken(last, scope)
}

func tokenMAC(key, scope string) []byte {
	m := hmac.New(sha256.New, pageTokenKey)
	m.Write([]byte(scope))
	m.Write([]byte{0})
	m.Write([]byte(key))
	return m.Sum(nil)[:12]
}

func encodePageToken(key, scope string) string {
	raw := append([]byte(key+"\x00"), tokenMAC(key, scope)...)
	return base64.RawURLEncoding.EncodeToString(raw)
}

func decodePageToken(token, scope string) (string, bool) {
	raw, err := base64.RawURLEncoding.DecodeString(token)
	if err != nil {
		return "", false
	}
	i := strings.IndexByte(string(raw), 0)
	if i < 0 {
		return "", false
	}
	key := string(raw[:i])
	return key, hmac.Equal(raw[i+1:], tokenMAC(key, scope))
}
