package ppks

import (
	"encoding/base64"
	"errors"
	"strings"
	"testing"
)

const testScope = "beneficiaries|kecamatan_code = 73.06.08"

func TestPageTokenRoundTrip(t *testing.T) {
	for _, key := range []string{
		"0193a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b",
		"2024",
		"a key with spaces and ünïcode",
	} {
		token := nextPageToken(true, key, testScope)
		if token == "" {
			t.Fatalf("nextPageToken(%q) is empty", key)
		}
		p, err := page(20, token, testScope)
		if err != nil {
			t.Fatalf("page with token of %q: %v", key, err)
		}
		if p.After != key || p.Limit != 20 {
			t.Errorf("page with token of %q = %+v", key, p)
		}
	}
	if got := nextPageToken(false, "last", testScope); got != "" {
		t.Errorf("nextPageToken without more items = %q, want empty", got)
	}
	p, err := page(0, "", testScope)
	if err != nil || p.After != "" || p.Limit != DefaultPageSize {
		t.Errorf("first page = %+v, %v", p, err)
	}
}

func TestPageTokenInvalid(t *testing.T) {
	const key = "0193a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b"
	good := encodePageToken(key, testScope)
	raw, err := base64.RawURLEncoding.DecodeString(good)
	if err != nil {
		t.Fatal(err)
	}
	reencode := func(change func(b []byte) []byte) string {
		b := append([]byte(nil), raw...)
		return base64.RawURLEncoding.EncodeToString(change(b))
	}
	tests := []struct{ name, token string }{
		{"another scope", encodePageToken(key, "beneficiaries|kecamatan_code = 73.06.01")},
		{"another method", encodePageToken(key, "cases|kecamatan_code = 73.06.08")},
		{"key changed", reencode(func(b []byte) []byte { b[0] ^= 1; return b })},
		{"mac changed", reencode(func(b []byte) []byte { b[len(b)-1] ^= 0x80; return b })},
		{"mac cut short", reencode(func(b []byte) []byte { return b[:len(b)-1] })},
		{"mac missing", reencode(func(b []byte) []byte { return b[:len(key)+1] })},
		{"no separator", base64.RawURLEncoding.EncodeToString([]byte(key))},
		{"first character changed", flipFirst(good)},
		{"garbage", "!!!not a token!!!"},
		{"padded base64", base64.URLEncoding.EncodeToString(raw) + "=="},
		{"standard base64 alphabet", "+/+/"},
		{"empty after decoding", "\n"},
		{"only a separator", base64.RawURLEncoding.EncodeToString([]byte{0})},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			p, err := page(10, tc.token, testScope)
			if err == nil {
				t.Fatalf("token %q accepted: %+v", tc.token, p)
			}
			wantViolation(t, err, "page_token", "INVALID_PAGE_TOKEN")
		})
	}
}

func flipFirst(s string) string {
	if s[0] == 'A' {
		return "B" + s[1:]
	}
	return "A" + s[1:]
}

func TestPageSize(t *testing.T) {
	for _, tc := range []struct {
		size int32
		want int
	}{{0, DefaultPageSize}, {1, 1}, {50, 50}, {999, 999}, {MaxPageSize, MaxPageSize}} {
		p, err := page(tc.size, "", testScope)
		if err != nil || p.Limit != tc.want {
			t.Errorf("page(%d) = %+v, %v; want limit %d", tc.size, p, err, tc.want)
		}
	}
	for _, size := range []int32{-1, -1 << 31, MaxPageSize + 1, 1 << 30} {
		_, err := page(size, "", testScope)
		if err == nil {
			t.Errorf("page(%d) accepted", size)
			continue
		}
		wantViolation(t, err, "page_size", "OUT_OF_RANGE")
	}
}

// A bad size and a bad token are reported together.
func TestPageAllViolations(t *testing.T) {
	_, err := page(-5, "garbage", testScope)
	var e *Error
	if !errors.As(err, &e) || len(e.Violations) != 2 || e.Violations[0].Field != "page_size" || e.Violations[1].Field != "page_token" {
		t.Fatalf("page(-5, garbage) = %v; want violations on page_size and page_token", err)
	}
}

func FuzzPageToken(f *testing.F) {
	f.Add("", "beneficiaries|", "0193a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b", int32(0))
	f.Add(encodePageToken("k", testScope), testScope, "k", int32(10))
	f.Add("AA", "cases|state = OPEN", "2024", int32(-1))
	f.Add("\n", "", "", int32(1001))
	f.Fuzz(func(t *testing.T, token, scope, key string, size int32) {
		// Any token, any size: a result or a clean error, never a panic.
		p, err := page(size, token, scope)
		if err == nil {
			if p.Limit < 1 || p.Limit > MaxPageSize {
				t.Fatalf("page(%d, %q) limit %d", size, token, p.Limit)
			}
			if token == "" && p.After != "" {
				t.Fatalf("page without token starts after %q", p.After)
			}
		} else if KindOf(err) != KindInvalid {
			t.Fatalf("page(%d, %q): error of kind %d", size, token, KindOf(err))
		}

		// A token made for a key reads back as that key, and only with its scope.
		if strings.IndexByte(key, 0) >= 0 {
			return // keys are ids: never NUL
		}
		tok := encodePageToken(key, scope)
		if got, ok := decodePageToken(tok, scope); !ok || got != key {
			t.Fatalf("token of %q in %q decodes to %q, %v", key, scope, got, ok)
		}
		if _, ok := decodePageToken(tok, scope+"x"); ok {
			t.Fatalf("token of %q in %q accepted in another scope", key, scope)
		}
	})
}
