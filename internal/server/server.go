// Package server maps the gRPC API (and, through the gateway, REST) onto the domain
// service. It holds no business rules: it parses names, converts messages and maps errors.
package server

import (
	"context"
	"fmt"
	"log/slog"
	"runtime/debug"
	"sync/atomic"

	ppksv1 "github.com/opendinsos/ppks/gen/ppks/v1"
	"github.com/opendinsos/ppks/internal/ppks"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
)

// Server holds what every service of the API needs.
type Server struct {
	svc          *ppks.Service
	log          *slog.Logger
	shuttingDown atomic.Bool
}

// New returns a server over the domain service.
func New(svc *ppks.Service, log *slog.Logger) *Server {
	return &Server{svc: svc, log: log}
}

// Register registers every service of the API on g.
func (s *Server) Register(g grpc.ServiceRegistrar) {
	ppksv1.RegisterReferenceServiceServer(g, referenceServer{Server: s})
	ppksv1.RegisterCaseServiceServer(g, caseServer{Server: s})
	ppksv1.RegisterIndicatorServiceServer(g, indicatorServer{Server: s})
	ppksv1.RegisterAdminServiceServer(g, adminServer{Server: s})
	ppksv1.RegisterReportServiceServer(g, reportServer{Server: s})
}

func (s *Server) status(ctx context.Context, err error) error { return toStatus(ctx, s.log, err) }

// RecoverUnary turns a panic in a handler into an Internal error, logged with its stack,
// so that one bad request never takes the process down.
func RecoverUnary(log *slog.Logger) grpc.UnaryServerInterceptor {
	return func(ctx context.Context, req any, info *grpc.UnaryServerInfo, h grpc.UnaryHandler) (resp any, err error) {
		defer func() {
			if r := recover(); r != nil {
				log.ErrorContext(ctx, "panic in handler", "method", info.FullMethod, "request_id", RequestID(ctx), "panic", fmt.Sprint(r), "stack", string(debug.Stack()))
				err = status.Error(codes.Internal, "internal error")
			}
		}()
		return h(ctx, req)
	}
}

// RecoverStream is RecoverUnary for streaming methods.
func RecoverStream(log *slog.Logger) grpc.StreamServerInterceptor {
	return func(srv any, ss grpc.ServerStream, info *grpc.StreamServerInfo, h grpc.StreamHandler) (err error) {
		defer func() {
			if r := recover(); r != nil {
				log.ErrorContext(ss.Context(), "panic in handler", "method", info.FullMethod, "panic", fmt.Sprint(r), "stack", string(debug.Stack()))
				err = status.Error(codes.Internal, "internal error")
			}
		}()
		return h(srv, ss)
	}
}
