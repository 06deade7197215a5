package server

import (
	"context"
	"log/slog"
	"strings"
	"time"

	"google.golang.org/grpc/stats"
	"google.golang.org/protobuf/reflect/protoreflect"
	"google.golang.org/protobuf/reflect/protoregistry"
)

// observer writes the one log line and the metrics of every gRPC call. It is a stats
// handler rather than an interceptor because gRPC refuses some calls before any
// interceptor runs (a message over the size limit) and calls the unknown-method handler
// with a name the client chose; the authentication tap, earlier still, reports its
// refusals through refused.
type observer struct {
	log     *slog.Logger
	metrics *Metrics // nil: no metrics
}

// TagRPC gives the call its request id (the client's, or a new one).
func (o *observer) TagRPC(ctx context.Context, info *stats.RPCTagInfo) context.Context {
	ctx, ri := startRequest(ctx)
	ri.method = info.FullMethodName
	return ctx
}

// HandleRPC writes the line and the metrics when the call ends.
func (o *observer) HandleRPC(ctx context.Context, s stats.RPCStats) {
	end, ok := s.(*stats.End)
	if !ok {
		return
	}
	ri, ok := ctx.Value(requestInfoKey{}).(*requestInfo)
	if !ok {
		return
	}
	o.done(ctx, ri, time.Since(ri.start), end.Error)
}

func (o *observer) TagConn(ctx context.Context, _ *stats.ConnTagInfo) context.Context { return ctx }
func (o *observer) HandleConn(context.Context, stats.ConnStats)                       {}

// refused reports a call the authentication tap refused before it started.
func (o *observer) refused(ctx context.Context, method, requestID string, start time.Time, err error) {
	o.done(ctx, &requestInfo{id: requestID, method: method, start: start}, time.Since(start), err)
}

func (o *observer) done(ctx context.Context, ri *requestInfo, d time.Duration, err error) {
	method := methodLabel(ri.method)
	logRequest(ctx, o.log, method, ri, d, err)
	if o.metrics != nil {
		o.metrics.observeRPC(method, d, err)
	}
}

// methodLabel is the method as logs and metrics show it: its name when the service
// (or the health and reflection services) has it, "unknown" otherwise, so that names a
// client invents neither grow the metrics nor fill the logs.
func methodLabel(full string) string {
	if knownMethod(full) {
		return full
	}
	return "unknown"
}

// knownMethod reports whether full (/package.Service/Method) names a method of a
// service linked into this binary.
func knownMethod(full string) bool {
	svc, method, ok := strings.Cut(strings.TrimPrefix(full, "/"), "/")
	if !ok {
		return false
	}
	d, err := protoregistry.GlobalFiles.FindDescriptorByName(protoreflect.FullName(svc))
	if err != nil {
		return false
	}
	sd, ok := d.(protoreflect.ServiceDescriptor)
	return ok && sd.Methods().ByName(protoreflect.Name(method)) != nil
}
