package server

import (
	"context"
	"sync"

	"google.golang.org/grpc"
	"google.golang.org/grpc/encoding"
	"google.golang.org/grpc/encoding/proto"
	"google.golang.org/grpc/mem"
)

// A request message that does not decode (bad protobuf, a string that is not UTF-8) is
// the client's mistake: InvalidArgument. gRPC makes any decoding error Internal and
// answers it itself, before the interceptors run, so the server's codec never fails:
// it notes the error against the message, and the interceptors answer it
// (DecodeUnary and AuthUnary; for streams, each RecvMsg).

// decodeCodec is the proto codec, with decoding errors noted rather than returned.
type decodeCodec struct{ encoding.CodecV2 }

func newDecodeCodec() decodeCodec { return decodeCodec{encoding.GetCodecV2(proto.Name)} }

// undecoded holds, by message, the decoding errors not yet answered. DecodeUnary and
// the stream wrapper take each entry as soon as the message reaches them.
var undecoded sync.Map // message (a pointer) -> error

func (c decodeCodec) Unmarshal(data mem.BufferSlice, v any) error {
	if err := c.CodecV2.Unmarshal(data, v); err != nil {
		undecoded.Store(v, err)
	}
	return nil
}

// takeDecodeError returns, and forgets, the decoding error of msg.
func takeDecodeError(msg any) error {
	if err, ok := undecoded.LoadAndDelete(msg); ok {
		return malformedMessage(err.(error)).Err()
	}
	return nil
}

type decodeErrorKey struct{}

func decodeError(ctx context.Context) error {
	err, _ := ctx.Value(decodeErrorKey{}).(error)
	return err
}

// DecodeUnary takes the decoding error of a unary call's message (first thing, so that
// nothing is left behind when a later interceptor refuses the call), for AuthUnary to
// answer once the caller is authorized.
func DecodeUnary() grpc.UnaryServerInterceptor {
	return func(ctx context.Context, req any, _ *grpc.UnaryServerInfo, h grpc.UnaryHandler) (any, error) {
		if err := takeDecodeError(req); err != nil {
			ctx = context.WithValue(ctx, decodeErrorKey{}, err)
		}
		return h(ctx, req)
	}
}

// DecodeStream answers the decoding error of each message a streaming call receives.
func DecodeStream() grpc.StreamServerInterceptor {
	return func(srv any, ss grpc.ServerStream, _ *grpc.StreamServerInfo, h grpc.StreamHandler) error {
		return h(srv, decodingStream{ss})
	}
}

type decodingStream struct{ grpc.ServerStream }

func (s decodingStream) RecvMsg(m any) error {
	if err := s.ServerStream.RecvMsg(m); err != nil {
		return err
	}
	return takeDecodeError(m)
}
