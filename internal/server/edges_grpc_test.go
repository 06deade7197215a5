package server_test

import (
	"io"
	"strings"
	"testing"

	ppksv1 "github.com/opendinsos/ppks/gen/ppks/v1"
	"google.golang.org/genproto/googleapis/rpc/errdetails"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/mem"
	"google.golang.org/grpc/status"
)

// rawCodec sends bytes as they are, as the message of a call: what a broken or hostile
// client may send.
type rawCodec struct{}

func (rawCodec) Marshal(v any) (mem.BufferSlice, error) {
	return mem.BufferSlice{mem.SliceBuffer(v.([]byte))}, nil
}

func (rawCodec) Unmarshal(data mem.BufferSlice, v any) error {
	*v.(*[]byte) = data.Materialize()
	return nil
}

func (rawCodec) Name() string { return "proto" }

// raw calls method with msg as its message's bytes, as username ("" for no token).
func (e *env) raw(username, method string, msg []byte) error {
	opts := []grpc.CallOption{grpc.ForceCodecV2(rawCodec{})}
	if username != "" {
		opts = append(opts, e.callAs(username))
	}
	var out []byte
	return e.conn.Invoke(e.ctx, method, msg, &out, opts...)
}

// wantStatus fails unless err has code, and, for the service's shape, an ErrorInfo with
// reason and an id-ID LocalizedMessage.
func wantStatus(t *testing.T, what string, err error, code codes.Code, reason string) {
	t.Helper()
	st := status.Convert(err)
	if st.Code() != code {
		t.Errorf("%s: %v, want %v", what, err, code)
		return
	}
	if reason == "" {
		return
	}
	var gotReason, localized string
	for _, d := range st.Details() {
		switch d := d.(type) {
		case *errdetails.ErrorInfo:
			gotReason = d.GetReason()
		case *errdetails.LocalizedMessage:
			if d.GetLocale() == "id-ID" {
				localized = d.GetMessage()
			}
		}
	}
	if gotReason != reason || localized == "" {
		t.Errorf("%s: reason %q, LocalizedMessage %q; want %q and an id-ID message", what, gotReason, localized, reason)
	}
}

// Over gRPC: authentication before the message is read; a message that does not decode
// is InvalidArgument (not Internal), for a unary and a streaming method; an unknown
// method is Unimplemented once the caller is known; a message over the limit is
// ResourceExhausted.
func TestGRPCEdges(t *testing.T) {
	e := newEnv(t)
	get := ppksv1.CaseService_GetBeneficiary_FullMethodName
	truncated := []byte{0x0a, 0xff}           // field 1, a length that never ends
	notUTF8 := []byte{0x0a, 0x02, 0xff, 0xfe} // field 1 (name) = two bytes that are not UTF-8

	wantStatus(t, "garbage without a token", e.raw("", get, truncated), codes.Unauthenticated, "")
	wantStatus(t, "an unknown method without a token", e.raw("", "/ppks.v1.CaseService/DeleteEverything", nil), codes.Unauthenticated, "")
	wantStatus(t, "a message over the limit without a token", e.raw("", get, make([]byte, 5<<20)), codes.Unauthenticated, "")

	wantStatus(t, "a truncated message", e.raw("kabid", get, truncated), codes.InvalidArgument, "MALFORMED_REQUEST")
	wantStatus(t, "a string that is not UTF-8", e.raw("kabid", get, notUTF8), codes.InvalidArgument, "MALFORMED_REQUEST")
	// The role is checked before the message's validity.
	wantStatus(t, "garbage from a role without the method", e.raw("perencana", get, truncated), codes.PermissionDenied, "")
	// A well-formed message passes as before.
	ok := append([]byte{0x0a, byte(len("beneficiaries/x"))}, "beneficiaries/x"...)
	if err := e.raw("kabid", get, ok); status.Code(err) == codes.InvalidArgument && strings.Contains(err.Error(), "decode") {
		t.Errorf("a valid message refused as undecodable: %v", err)
	}

	for _, m := range []string{"/ppks.v1.CaseService/DeleteEverything", "/nothing.v1.Nowhere/Call"} {
		wantStatus(t, "unknown method "+m, e.raw("kabid", m, nil), codes.Unimplemented, "UNKNOWN_METHOD")
	}
	wantStatus(t, "a 5 MiB message", e.raw("kabid", get, make([]byte, 5<<20)), codes.ResourceExhausted, "")

	// A streaming method: the message decodes in the handler, after authentication.
	st, err := e.conn.NewStream(e.ctx, &grpc.StreamDesc{ServerStreams: true}, ppksv1.ReportService_ExportInterventions_FullMethodName,
		grpc.ForceCodecV2(rawCodec{}), e.callAs("kabid"))
	if err != nil {
		t.Fatal(err)
	}
	if err := st.SendMsg(notUTF8); err != nil && err != io.EOF {
		t.Fatal(err)
	}
	_ = st.CloseSend()
	var out []byte
	wantStatus(t, "a streaming call's message that is not UTF-8", st.RecvMsg(&out), codes.InvalidArgument, "MALFORMED_REQUEST")
}
