package server

import (
	"context"
	"errors"
	"fmt"
	"net/http"

	"github.com/grpc-ecosystem/grpc-gateway/v2/runtime"
	"github.com/opendinsos/ppks/gen/openapi"
	ppksv1 "github.com/opendinsos/ppks/gen/ppks/v1"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/encoding/protojson"
)

// NewGateway returns the HTTP handler: the REST/JSON gateway, which forwards every call
// over conn to the gRPC server (so REST passes the same interceptors), /openapi.json, the
// health routes, and the extra handlers (/metrics). Every gateway route needs a bearer
// token, checked before its body is read; the others are public.
func (s *Server) NewGateway(ctx context.Context, conn *grpc.ClientConn, extra map[string]http.Handler) (http.Handler, error) {
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
		runtime.WithMiddlewares(recordRoute), // for the route label of metrics and logs
		runtime.WithErrorHandler(gatewayError),
		runtime.WithRoutingErrorHandler(routingError),
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
	root.Handle("GET /healthz", s.healthz())
	root.Handle("GET /readyz", s.readyz(mux))
	for pattern, h := range extra {
		root.Handle(pattern, h)
	}
	root.Handle("/", s.requireBearer(mux))
	return root, nil
}

// writeError answers an HTTP request with a status error, as the gateway answers the
// service's errors.
func writeError(mux *runtime.ServeMux, w http.ResponseWriter, r *http.Request, err error) {
	_, m := runtime.MarshalerForRequest(mux, r)
	gatewayError(r.Context(), mux, m, w, r, err)
}

// gatewayError writes every error of the gateway: the service's as they are, the
// gateway's own (a body that is not JSON, an unknown field, a bad query parameter) in
// the service's shape, and a body cut at the limit as 413 REQUEST_TOO_LARGE.
func gatewayError(ctx context.Context, mux *runtime.ServeMux, m runtime.Marshaler, w http.ResponseWriter, r *http.Request, err error) {
	if probing(ctx) {
		return
	}
	var custom *runtime.HTTPStatusError
	httpStatus := 0
	if errors.As(err, &custom) {
		httpStatus, err = custom.HTTPStatus, custom.Err
	}
	st := status.Convert(err)
	if l := bodyLimitOf(ctx); l != nil && l.exceeded {
		st = tooLarge(l.max) // whatever the decoder made of the cut body
	}
	st = withEdgeDetails(st)
	if reasonOf(st) == ReasonRequestTooLarge {
		httpStatus = http.StatusRequestEntityTooLarge
	}
	err = st.Err()
	if httpStatus != 0 {
		err = &runtime.HTTPStatusError{HTTPStatus: httpStatus, Err: err}
	}
	runtime.DefaultHTTPErrorHandler(ctx, mux, m, bearerChallenge{w}, r, err)
}

// routingError answers a path no route has (404) and a method the path does not take
// (405, with Allow), in the service's shape.
func routingError(ctx context.Context, mux *runtime.ServeMux, m runtime.Marshaler, w http.ResponseWriter, r *http.Request, httpStatus int) {
	if probing(ctx) {
		return
	}
	var err error
	switch httpStatus {
	case http.StatusNotFound:
		err = edgeStatus(codes.NotFound, ReasonUnknownRoute, "no route for "+r.Method+" on this path", edgeLocalized[codes.NotFound].localized).Err()
	case http.StatusMethodNotAllowed:
		allow := allowedMethods(mux, r)
		w.Header().Set("Allow", joinComma(allow))
		err = edgeStatus(codes.Unimplemented, ReasonMethodNotAllowed, "method "+r.Method+" not allowed on this path",
			"Metode "+r.Method+" tidak berlaku untuk alamat ini; yang berlaku: "+joinComma(allow)+".").Err()
	default:
		err = edgeStatus(codes.InvalidArgument, ReasonMalformedRequest, http.StatusText(httpStatus), edgeLocalized[codes.InvalidArgument].localized).Err()
	}
	gatewayError(ctx, mux, m, w, r, &runtime.HTTPStatusError{HTTPStatus: httpStatus, Err: err})
}

// bearerChallenge names the scheme of a 401 (the gateway would put the message there).
type bearerChallenge struct{ http.ResponseWriter }

func (w bearerChallenge) WriteHeader(code int) {
	if code == http.StatusUnauthorized {
		w.Header().Set("WWW-Authenticate", `Bearer realm="ppks"`)
	}
	w.ResponseWriter.WriteHeader(code)
}
