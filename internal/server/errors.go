package server

import (
	"context"
	"errors"
	"log/slog"

	"github.com/opendinsos/ppks/internal/ppks"
	"google.golang.org/genproto/googleapis/rpc/errdetails"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/protoadapt"
)

// errorDomain is the ErrorInfo domain of this service's errors.
const errorDomain = "ppks.dinsos.go.id"

var kindCodes = map[ppks.Kind]codes.Code{
	ppks.KindInternal:           codes.Internal,
	ppks.KindInvalid:            codes.InvalidArgument,
	ppks.KindNotFound:           codes.NotFound,
	ppks.KindAlreadyExists:      codes.AlreadyExists,
	ppks.KindFailedPrecondition: codes.FailedPrecondition,
	ppks.KindAborted:            codes.Aborted,
	ppks.KindPermissionDenied:   codes.PermissionDenied,
	ppks.KindUnauthenticated:    codes.Unauthenticated,
	ppks.KindUnavailable:        codes.Unavailable,
	ppks.KindResourceExhausted:  codes.ResourceExhausted,
}

// toStatus maps a domain error to a canonical gRPC status with ErrorInfo, BadRequest
// (one violation per field) and an id-ID LocalizedMessage. Internal errors are logged
// once here and shown without their cause.
func toStatus(ctx context.Context, log *slog.Logger, err error) error {
	if err == nil {
		return nil
	}
	if _, ok := status.FromError(err); ok && !isDomain(err) {
		return err // already a status (e.g. the context was canceled)
	}
	if errors.Is(err, context.Canceled) {
		return status.Error(codes.Canceled, "canceled")
	}
	if errors.Is(err, context.DeadlineExceeded) {
		return status.Error(codes.DeadlineExceeded, "deadline exceeded")
	}
	var e *ppks.Error
	if !errors.As(err, &e) {
		e = ppks.Internal("internal error", err)
	}
	code := kindCodes[e.Kind]
	if code == codes.Internal || code == codes.Unavailable || code == codes.ResourceExhausted {
		log.ErrorContext(ctx, "request failed", "code", code.String(), "request_id", RequestID(ctx), "err", err)
	}
	msg := e.Message
	if code == codes.Internal {
		msg = "internal error"
	}
	st := status.New(code, msg)
	info := &errdetails.ErrorInfo{Reason: e.Reason, Domain: errorDomain}
	if e.Resource != "" {
		info.Metadata = map[string]string{"resource": e.Resource}
	}
	details := []protoadapt.MessageV1{info}
	if len(e.Violations) > 0 {
		br := &errdetails.BadRequest{}
		for _, v := range e.Violations {
			br.FieldViolations = append(br.FieldViolations, &errdetails.BadRequest_FieldViolation{
				Field:            v.Field,
				Description:      v.Message,
				Reason:           v.Reason,
				LocalizedMessage: &errdetails.LocalizedMessage{Locale: "id-ID", Message: v.Localized},
			})
		}
		details = append(details, br)
	}
	if e.Localized != "" {
		details = append(details, &errdetails.LocalizedMessage{Locale: "id-ID", Message: e.Localized})
	}
	if withDetails, derr := st.WithDetails(details...); derr == nil {
		st = withDetails
	}
	return st.Err()
}

func isDomain(err error) bool {
	var e *ppks.Error
	return errors.As(err, &e)
}
