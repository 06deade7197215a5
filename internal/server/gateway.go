package server

import (
	"context"
	"fmt"
	"net/http"

	"github.com/grpc-ecosystem/grpc-gateway/v2/runtime"
	"github.com/opendinsos/ppks/gen/openapi"
	ppksv1 "github.com/opendinsos/ppks/gen/ppks/v1"
	"google.golang.org/grpc"
	"google.golang.org/protobuf/encoding/protojson"
)

// NewGateway returns the HTTP handler: the REST/JSON gateway, which forwards every call
// over conn to the gRPC server (so REST passes the same interceptors), and /openapi.json.
func NewGateway(ctx context.Context, conn *grpc.ClientConn, extra map[string]http.Handler) (http.Handler, error) {
	mux := runtime.NewServeMux(
		// HTTPBodyMarshaler: google.api.HttpBody responses (the CSV export) keep their content type.
		runtime.WithMarshalerOption(runtime.MIMEWildcard, &runtime.HTTPBodyMarshaler{Marshaler: &runtime.JSONPb{
			// Zero counts are shown as 0 rather than left out; fields with presence
			// (a year's missing target, say) stay absent.
			MarshalOptions:   protojson.MarshalOptions{EmitDefaultValues: true},
			UnmarshalOptions: protojson.UnmarshalOptions{DiscardUnknown: false},
		}}),
		runtime.WithIncomingHeaderMatcher(incomingHeader),
		runtime.WithOutgoingHeaderMatcher(outgoingHeader),
		runtime.WithMiddlewares(recordRoute), // for the HTTP metrics' route label
	)
	for name, register := range map[string]func(context.Context, *runtime.ServeMux, *grpc.ClientConn) error{
		"reference": ppksv1.RegisterReferenceServiceHandler,
		"case":      ppksv1.RegisterCaseServiceHandler,
		"indicator": ppksv1.RegisterIndicatorServiceHandler,
		"admin":     ppksv1.RegisterAdminServiceHandler,
		"report":    ppksv1.RegisterReportServiceHandler,
	} {
		if err := register(ctx, mux, conn); err != nil {
			return nil, fmt.Errorf("register %s gateway: %w", name, err)
		}
	}
	root := http.NewServeMux()
	root.HandleFunc("GET /openapi.json", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write(openapi.JSON)
	})
	for pattern, h := range extra {
		root.Handle(pattern, h)
	}
	root.Handle("/", mux)
	return root, nil
}
