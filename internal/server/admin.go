package server

import (
	"context"
	"strconv"
	"time"

	ppksv1 "github.com/opendinsos/ppks/gen/ppks/v1"
	"github.com/opendinsos/ppks/internal/ppks"
)

// adminServer serves users, tokens and the audit log (AdminService).
type adminServer struct {
	ppksv1.UnimplementedAdminServiceServer
	*Server
}

func userToProto(u *ppks.User) *ppksv1.User {
	return &ppksv1.User{
		Name: u.Name(), DisplayName: u.DisplayName, Role: ppksv1.Role(u.Role),
		KecamatanCodes: u.Kecamatan, Disabled: u.Disabled,
		CreateTime: timeToProto(u.CreateTime), UpdateTime: timeToProto(u.UpdateTime), Etag: u.Etag(),
	}
}

func userFromProto(p *ppksv1.User) ppks.User {
	return ppks.User{DisplayName: p.GetDisplayName(), Role: ppks.Role(p.GetRole()), Kecamatan: p.GetKecamatanCodes(), Disabled: p.GetDisabled()}
}

func tokenToProto(t *ppks.Token) *ppksv1.Token {
	return &ppksv1.Token{
		Name: t.Name(), Description: t.Description, ExpireTime: timeToProto(t.ExpireTime),
		CreateTime: timeToProto(t.CreateTime), RevokeTime: timeToProto(t.RevokeTime),
	}
}

// username parses `users/{user}`; the id's own rules are the domain's.
func username(name, field string) (string, error) {
	ids, err := rawSegments(name, field, "users")
	if err != nil {
		return "", err
	}
	return ids[0], nil
}

func (s adminServer) CreateUser(ctx context.Context, req *ppksv1.CreateUserRequest) (*ppksv1.CreateUserResponse, error) {
	u := userFromProto(req.GetUser())
	u.Username = req.GetUserId()
	created, err := s.svc.CreateUser(ctx, requestKey(ppksv1.AdminService_CreateUser_FullMethodName, req.GetRequestId(), req), u)
	if err != nil {
		return nil, s.status(ctx, err)
	}
	return &ppksv1.CreateUserResponse{User: userToProto(created)}, nil
}

func (s adminServer) GetUser(ctx context.Context, req *ppksv1.GetUserRequest) (*ppksv1.GetUserResponse, error) {
	name, err := username(req.GetName(), "name")
	if err != nil {
		return nil, s.status(ctx, err)
	}
	u, err := s.svc.GetUser(ctx, name)
	if err != nil {
		return nil, s.status(ctx, err)
	}
	return &ppksv1.GetUserResponse{User: userToProto(u)}, nil
}

func (s adminServer) GetCurrentUser(ctx context.Context, _ *ppksv1.GetCurrentUserRequest) (*ppksv1.GetCurrentUserResponse, error) {
	u, err := s.svc.CurrentUser(ctx)
	if err != nil {
		return nil, s.status(ctx, err)
	}
	return &ppksv1.GetCurrentUserResponse{User: userToProto(u)}, nil
}

func (s adminServer) ListUsers(ctx context.Context, req *ppksv1.ListUsersRequest) (*ppksv1.ListUsersResponse, error) {
	list, next, err := s.svc.ListUsers(ctx, req.GetPageSize(), req.GetPageToken())
	if err != nil {
		return nil, s.status(ctx, err)
	}
	out := &ppksv1.ListUsersResponse{NextPageToken: next}
	for _, u := range list {
		out.Users = append(out.Users, userToProto(u))
	}
	return out, nil
}

func (s adminServer) UpdateUser(ctx context.Context, req *ppksv1.UpdateUserRequest) (*ppksv1.UpdateUserResponse, error) {
	p := req.GetUser()
	name, err := username(p.GetName(), "user.name")
	if err != nil {
		return nil, s.status(ctx, err)
	}
	patch := userFromProto(p)
	patch.Username = name
	paths := maskPaths(req.GetUpdateMask(), p)
	u, err := s.svc.UpdateUser(ctx, requestKey(ppksv1.AdminService_UpdateUser_FullMethodName, "", req), patch, paths, p.GetEtag())
	if err != nil {
		return nil, s.status(ctx, err)
	}
	return &ppksv1.UpdateUserResponse{User: userToProto(u)}, nil
}

func (s adminServer) CreateToken(ctx context.Context, req *ppksv1.CreateTokenRequest) (*ppksv1.CreateTokenResponse, error) {
	name, err := username(req.GetParent(), "parent")
	if err != nil {
		return nil, s.status(ctx, err)
	}
	var expire time.Time
	if req.GetToken().GetExpireTime() != nil {
		expire = req.GetToken().GetExpireTime().AsTime()
	}
	key := requestKey(ppksv1.AdminService_CreateToken_FullMethodName, req.GetRequestId(), req)
	t, secret, err := s.svc.CreateToken(ctx, key, name, req.GetToken().GetDescription(), expire)
	if err != nil {
		return nil, s.status(ctx, err)
	}
	return &ppksv1.CreateTokenResponse{Token: tokenToProto(t), Secret: secret}, nil
}

func (s adminServer) ListTokens(ctx context.Context, req *ppksv1.ListTokensRequest) (*ppksv1.ListTokensResponse, error) {
	name, err := username(req.GetParent(), "parent")
	if err != nil {
		return nil, s.status(ctx, err)
	}
	list, next, err := s.svc.ListTokens(ctx, name, req.GetPageSize(), req.GetPageToken())
	if err != nil {
		return nil, s.status(ctx, err)
	}
	out := &ppksv1.ListTokensResponse{NextPageToken: next}
	for _, t := range list {
		out.Tokens = append(out.Tokens, tokenToProto(t))
	}
	return out, nil
}

func (s adminServer) RevokeToken(ctx context.Context, req *ppksv1.RevokeTokenRequest) (*ppksv1.RevokeTokenResponse, error) {
	ids, err := rawSegments(req.GetName(), "name", "users", "tokens")
	if err != nil {
		return nil, s.status(ctx, err)
	}
	key := requestKey(ppksv1.AdminService_RevokeToken_FullMethodName, req.GetRequestId(), req)
	t, err := s.svc.RevokeToken(ctx, key, ids[0], ids[1])
	if err != nil {
		return nil, s.status(ctx, err)
	}
	return &ppksv1.RevokeTokenResponse{Token: tokenToProto(t)}, nil
}

func (s adminServer) ListAuditEntries(ctx context.Context, req *ppksv1.ListAuditEntriesRequest) (*ppksv1.ListAuditEntriesResponse, error) {
	list, next, err := s.svc.ListAudit(ctx, req.GetPageSize(), req.GetPageToken(), req.GetFilter())
	if err != nil {
		return nil, s.status(ctx, err)
	}
	out := &ppksv1.ListAuditEntriesResponse{NextPageToken: next}
	for _, e := range list {
		out.AuditEntries = append(out.AuditEntries, &ppksv1.AuditEntry{
			Name: "auditEntries/" + strconv.FormatInt(e.ID, 10), Time: timeToProto(e.Time),
			Username: e.Username, Role: ppksv1.Role(e.Role), Method: e.Method, Action: ppksv1.AuditAction(e.Action),
			Resource: e.Resource, Records: e.Records, RequestId: e.RequestID, Summary: e.Summary,
		})
	}
	return out, nil
}

func (s adminServer) SetPassword(ctx context.Context, req *ppksv1.SetPasswordRequest) (*ppksv1.SetPasswordResponse, error) {
	name, err := username(req.GetName(), "name")
	if err != nil {
		return nil, s.status(ctx, err)
	}
	key := requestKey(ppksv1.AdminService_SetPassword_FullMethodName, req.GetRequestId(), req)
	if err := s.svc.SetPassword(ctx, key, name, req.GetPassword()); err != nil {
		return nil, s.status(ctx, err)
	}
	return &ppksv1.SetPasswordResponse{}, nil
}
