package server

import (
	"context"
	"strings"

	ppksv1 "github.com/opendinsos/ppks/gen/ppks/v1"
	"github.com/opendinsos/ppks/internal/ppks"
	"google.golang.org/grpc"
	"google.golang.org/grpc/metadata"
)

// The domain's role sets (ppks/roles.go), under the short names of the matrix below.
var (
	anyone        = ppks.AnyRole
	fieldWork     = ppks.FieldWorkers
	aggregates    = ppks.AggregateReaders
	adminOnly     = ppks.Administrators
	reportWriters = ppks.ReportWriters
	supervisors   = ppks.Supervisors
)

// Access is the role rule of every RPC of the API. A method missing here is refused to
// everyone; the matrix test fails for any RPC of the service descriptors without a rule.
// Scope (which kecamatan a worker may touch) is checked by the domain, on the data.
var Access = map[string][]ppks.Role{
	ppksv1.ReferenceService_ListPpksTypes_FullMethodName:         anyone,
	ppksv1.ReferenceService_ListInterventionTypes_FullMethodName: anyone,
	ppksv1.ReferenceService_ListRegions_FullMethodName:           anyone,

	ppksv1.CaseService_CreateBeneficiary_FullMethodName:  fieldWork,
	ppksv1.CaseService_GetBeneficiary_FullMethodName:     fieldWork,
	ppksv1.CaseService_ListBeneficiaries_FullMethodName:  fieldWork,
	ppksv1.CaseService_UpdateBeneficiary_FullMethodName:  fieldWork,
	ppksv1.CaseService_CreateCase_FullMethodName:         fieldWork,
	ppksv1.CaseService_GetCase_FullMethodName:            fieldWork,
	ppksv1.CaseService_ListCases_FullMethodName:          fieldWork,
	ppksv1.CaseService_CloseCase_FullMethodName:          fieldWork,
	ppksv1.CaseService_CreateIntervention_FullMethodName: fieldWork,
	ppksv1.CaseService_GetIntervention_FullMethodName:    fieldWork,
	ppksv1.CaseService_ListInterventions_FullMethodName:  fieldWork,
	ppksv1.CaseService_VoidIntervention_FullMethodName:   fieldWork,
	ppksv1.CaseService_UpdateCase_FullMethodName:         fieldWork,
	ppksv1.CaseService_ReopenCase_FullMethodName:         fieldWork,
	ppksv1.CaseService_UpdateIntervention_FullMethodName: fieldWork,
	ppksv1.CaseService_BatchSync_FullMethodName:          fieldWork,
	ppksv1.CaseService_FindDuplicates_FullMethodName:     fieldWork,
	ppksv1.CaseService_GetTimeline_FullMethodName:        fieldWork,
	ppksv1.CaseService_ListChanges_FullMethodName:        fieldWork,
	ppksv1.CaseService_VerifyIntervention_FullMethodName: supervisors,
	ppksv1.CaseService_RejectIntervention_FullMethodName: supervisors,
	ppksv1.CaseService_MergeBeneficiaries_FullMethodName: supervisors,
	ppksv1.CaseService_CreateTransfer_FullMethodName:     fieldWork,
	ppksv1.CaseService_GetTransfer_FullMethodName:        fieldWork,
	ppksv1.CaseService_ListTransfers_FullMethodName:      fieldWork,
	ppksv1.CaseService_ApproveTransfer_FullMethodName:    supervisors,
	ppksv1.CaseService_RejectTransfer_FullMethodName:     supervisors,

	ppksv1.IndicatorService_GetIndicatorYear_FullMethodName: aggregates,
	ppksv1.IndicatorService_GetTarget_FullMethodName:        aggregates,
	ppksv1.IndicatorService_ListTargets_FullMethodName:      aggregates,
	ppksv1.IndicatorService_UpdateTarget_FullMethodName:     adminOnly,

	ppksv1.AdminService_CreateUser_FullMethodName:       adminOnly,
	ppksv1.AdminService_GetUser_FullMethodName:          adminOnly,
	ppksv1.AdminService_GetCurrentUser_FullMethodName:   anyone,
	ppksv1.AdminService_ListUsers_FullMethodName:        adminOnly,
	ppksv1.AdminService_UpdateUser_FullMethodName:       adminOnly,
	ppksv1.AdminService_CreateToken_FullMethodName:      adminOnly,
	ppksv1.AdminService_ListTokens_FullMethodName:       adminOnly,
	ppksv1.AdminService_RevokeToken_FullMethodName:      adminOnly,
	ppksv1.AdminService_ListAuditEntries_FullMethodName: adminOnly,
	ppksv1.AdminService_SetPassword_FullMethodName:      adminOnly,

	// Reports (LKjIP): figures for the aggregate readers; the persons behind a figure for
	// a supervisor only; budget and programme indicators entered by the planning office or
	// an administrator; locks and amendments by an administrator; the export of records to
	// a supervisor or an administrator (NIK masked for the latter).
	ppksv1.ReportService_GetReport_FullMethodName:              aggregates,
	ppksv1.ReportService_LockReport_FullMethodName:             adminOnly,
	ppksv1.ReportService_GetReportChanges_FullMethodName:       aggregates,
	ppksv1.ReportService_ListFigurePersons_FullMethodName:      supervisors,
	ppksv1.ReportService_ExportInterventions_FullMethodName:    supervisors,
	ppksv1.ReportService_GetBudgetLine_FullMethodName:          aggregates,
	ppksv1.ReportService_ListBudgetLines_FullMethodName:        aggregates,
	ppksv1.ReportService_UpdateBudgetLine_FullMethodName:       reportWriters,
	ppksv1.ReportService_DeleteBudgetLine_FullMethodName:       reportWriters,
	ppksv1.ReportService_GetProgramIndicator_FullMethodName:    aggregates,
	ppksv1.ReportService_ListProgramIndicators_FullMethodName:  aggregates,
	ppksv1.ReportService_UpdateProgramIndicator_FullMethodName: reportWriters,
	ppksv1.ReportService_DeleteProgramIndicator_FullMethodName: reportWriters,
	ppksv1.ReportService_GetStrategicPlan_FullMethodName:       aggregates,
	ppksv1.ReportService_UpdateStrategicPlan_FullMethodName:    reportWriters,
	ppksv1.ReportService_CreateAmendment_FullMethodName:        adminOnly,
	ppksv1.ReportService_GetAmendment_FullMethodName:           aggregates,
	ppksv1.ReportService_ListAmendments_FullMethodName:         aggregates,
	ppksv1.ReportService_CloseAmendment_FullMethodName:         adminOnly,
}

// public are the services reachable without a token: health checks and reflection.
var public = []string{"/grpc.health.v1.Health/", "/grpc.reflection.v1.ServerReflection/", "/grpc.reflection.v1alpha.ServerReflection/"}

func isPublic(method string) bool {
	for _, p := range public {
		if strings.HasPrefix(method, p) {
			return true
		}
	}
	return false
}

// authorize checks the caller's role against Access, returning the context carrying
// the principal. The caller was authenticated by the tap before its message was read;
// without a tap (a server built without ServerOptions) it is authenticated here. A
// method no service has is Unimplemented, once the caller is known.
func (s *Server) authorize(ctx context.Context, method string) (context.Context, error) {
	if isPublic(method) {
		return ctx, nil
	}
	p := tapped(ctx)
	if p == nil {
		var err error
		if p, err = s.svc.Authenticate(ctx, bearer(ctx)); err != nil {
			return nil, s.status(ctx, err)
		}
	}
	noteUser(ctx, p.Username)
	roles, ok := Access[method]
	if !ok && !knownMethod(method) {
		return nil, unknownMethod(method)
	}
	if !ok || !hasRole(roles, p.Role) {
		return nil, s.status(ctx, ppks.PermissionDenied())
	}
	return ppks.WithPrincipal(ctx, p), nil
}

func hasRole(roles []ppks.Role, r ppks.Role) bool {
	for _, x := range roles {
		if x == r {
			return true
		}
	}
	return false
}

// bearer returns the token of the call's first authorization metadata value.
func bearer(ctx context.Context) string {
	md, _ := metadata.FromIncomingContext(ctx)
	return bearerOf(md)
}

// AuthUnary authorizes every unary call (authenticating it when no tap did), then
// refuses a message that did not decode (DecodeUnary noted it): the caller learns it
// sent garbage only once it may call the method.
func (s *Server) AuthUnary() grpc.UnaryServerInterceptor {
	return func(ctx context.Context, req any, info *grpc.UnaryServerInfo, h grpc.UnaryHandler) (any, error) {
		ctx, err := s.authorize(ctx, info.FullMethod)
		if err != nil {
			return nil, err
		}
		if err := decodeError(ctx); err != nil {
			return nil, err
		}
		return h(ctx, req)
	}
}

// AuthStream authenticates and authorizes every streaming call.
func (s *Server) AuthStream() grpc.StreamServerInterceptor {
	return func(srv any, ss grpc.ServerStream, info *grpc.StreamServerInfo, h grpc.StreamHandler) error {
		ctx, err := s.authorize(ss.Context(), info.FullMethod)
		if err != nil {
			return err
		}
		return h(srv, &principalStream{ServerStream: ss, ctx: ctx})
	}
}

type principalStream struct {
	grpc.ServerStream
	ctx context.Context
}

func (p *principalStream) Context() context.Context { return p.ctx }
