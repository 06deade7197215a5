package server

import (
	"context"
	"errors"
	"io"
	"net/http"
)

// Request size limits. A BatchSync of 500 items is the largest request a client makes:
// about 0.25 MiB as JSON in ordinary use (short notes), 1.2 MiB with every note at its
// 2,000-byte limit, 2.1 MiB when such notes are non-ASCII text a client writes as \u
// escapes; as protobuf 1.15 MiB at most. 4 MiB takes the largest with room to spare and
// keeps one request's memory small.
const (
	// MaxBodyBytes caps an HTTP request body.
	MaxBodyBytes = 4 << 20
	// MaxMessageBytes caps a gRPC request message (gRPC's own default, said here).
	MaxMessageBytes = 4 << 20
)

// bodyLimit is a request's body limit, and whether the body went over it while read.
type bodyLimit struct {
	max      int64
	exceeded bool
}

type bodyLimitKey struct{}

// bodyLimitOf returns the body limit of the request ctx belongs to, nil without one.
func bodyLimitOf(ctx context.Context) *bodyLimit {
	l, _ := ctx.Value(bodyLimitKey{}).(*bodyLimit)
	return l
}

// LimitBodies caps the body of every request to h at max bytes. A body announced larger
// is refused before it is read (by the gateway's authentication, which comes first); one
// that turns out larger stops being read at the limit, and the gateway answers 413. It
// goes outermost, so that http.MaxBytesReader can tell the server to close the
// connection rather than read the rest.
func LimitBodies(h http.Handler, max int64) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		l := &bodyLimit{max: max}
		r = r.WithContext(context.WithValue(r.Context(), bodyLimitKey{}, l))
		if r.Body != nil && r.Body != http.NoBody {
			r.Body = &limitedBody{ReadCloser: http.MaxBytesReader(w, r.Body, max), limit: l}
		}
		h.ServeHTTP(w, r)
	})
}

// limitedBody notes when its reader stops at the limit.
type limitedBody struct {
	io.ReadCloser
	limit *bodyLimit
}

func (b *limitedBody) Read(p []byte) (int, error) {
	n, err := b.ReadCloser.Read(p)
	var tooLarge *http.MaxBytesError
	if errors.As(err, &tooLarge) {
		b.limit.exceeded = true
	}
	return n, err
}
