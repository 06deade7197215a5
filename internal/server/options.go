package server

import (
	"google.golang.org/grpc"
)

// ServerOptions are the gRPC server's edges, in the order a call meets them:
// authentication when its headers arrive, before its message is read (authTap); a
// message size limit (MaxMessageBytes); decoding errors answered as InvalidArgument
// (decodeCodec); unknown methods through the interceptors, then Unimplemented; one log
// line and the metrics of every call (observer); then the interceptors: request id
// header, panic recovery, decoding errors noted, authorization. m may be nil.
func (s *Server) ServerOptions(m *Metrics) []grpc.ServerOption {
	obs := &observer{log: s.log, metrics: m}
	return []grpc.ServerOption{
		grpc.InTapHandle(s.authTap(obs)),
		grpc.MaxRecvMsgSize(MaxMessageBytes),
		grpc.ForceServerCodecV2(newDecodeCodec()),
		grpc.StatsHandler(obs),
		grpc.UnknownServiceHandler(unknownService),
		grpc.ChainUnaryInterceptor(RequestIDUnary(), RecoverUnary(s.log), DecodeUnary(), s.AuthUnary()),
		grpc.ChainStreamInterceptor(RequestIDStream(), RecoverStream(s.log), DecodeStream(), s.AuthStream()),
	}
}
