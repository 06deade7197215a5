package main

import (
	"context"
	"flag"
	"fmt"
	"strings"
	"time"

	"github.com/opendinsos/ppks/internal/ppks"
)

// A new token goes alone to standard output, so that a script can keep it
// (T=$(ppksctl create-token ...)); what was created goes to standard error.

func bootstrapAdmin(fs *flag.FlagSet) action {
	username := fs.String("username", "", "the administrator's username (required)")
	display := fs.String("display-name", "", "their full name (required)")
	return func(ctx context.Context, e *env) error {
		u, secret, err := e.svc.BootstrapAdmin(ctx, *username, *display)
		if err != nil {
			return err
		}
		fmt.Fprintf(e.stderr, "created administrator %s; their token, shown once (keep it safe):\n", u.Name())
		fmt.Fprintln(e.stdout, secret)
		return nil
	}
}

func createUser(fs *flag.FlagSet) action {
	username := fs.String("username", "", "username (required)")
	display := fs.String("display-name", "", "the user's full name (required)")
	role := fs.String("role", "", "WORKER, SUPERVISOR, PLANNER or ADMIN (required)")
	kec := fs.String("kecamatan", "", "comma-separated kecamatan codes a worker serves, e.g. 73.06.08,73.06.01")
	return func(ctx context.Context, e *env) error {
		r, err := parseRole(*role)
		if err != nil {
			return err
		}
		var codes []string
		if *kec != "" {
			codes = strings.Split(*kec, ",")
		}
		u, err := e.svc.CreateUser(ctx, ppks.RequestKey{}, ppks.User{Username: *username, DisplayName: *display, Role: r, Kecamatan: codes})
		if err != nil {
			return err
		}
		fmt.Fprintf(e.stdout, "created %s (%s)\n", u.Name(), u.Role)
		return nil
	}
}

func createToken(fs *flag.FlagSet) action {
	username := fs.String("username", "", "whose token (required)")
	desc := fs.String("description", "", "what the token is for, e.g. \"laptop kabid\"")
	ttl := fs.Duration("ttl", 0, "token lifetime, e.g. 720h; none when zero")
	return func(ctx context.Context, e *env) error {
		var expire time.Time
		if *ttl > 0 {
			expire = e.svc.Now().Add(*ttl)
		}
		t, secret, err := e.svc.CreateToken(ctx, ppks.RequestKey{}, *username, *desc, expire)
		if err != nil {
			return err
		}
		fmt.Fprintf(e.stderr, "created %s; its token, shown once (keep it safe):\n", t.Name())
		fmt.Fprintln(e.stdout, secret)
		return nil
	}
}

func revokeToken(fs *flag.FlagSet) action {
	username := fs.String("username", "", "whose token (not needed with the token's full name)")
	tokenID := fs.String("token-id", "", "the token's id, or its full name users/U/tokens/ID as create-token and the API print it (required)")
	return func(ctx context.Context, e *env) error {
		user, id, err := tokenRef(*username, *tokenID)
		if err != nil {
			return err
		}
		t, err := e.svc.RevokeToken(ctx, ppks.RequestKey{}, user, id)
		if err != nil {
			return err
		}
		fmt.Fprintf(e.stdout, "revoked %s\n", t.Name())
		return nil
	}
}

// tokenRef reads --username and --token-id: a bare id with its user, or the token's full
// name (users/U/tokens/ID), whose user must be --username's when both are given.
func tokenRef(username, token string) (user, id string, err error) {
	parts := strings.Split(token, "/")
	switch {
	case token == "":
		return "", "", usageError{fmt.Errorf("revoke-token: --token-id is required")}
	case len(parts) == 1:
		if username == "" {
			return "", "", usageError{fmt.Errorf("revoke-token: --username is required with a bare token id (or give the full name users/U/tokens/%s)", token)}
		}
		return username, token, nil
	case len(parts) == 4 && parts[0] == "users" && parts[2] == "tokens" && parts[1] != "" && parts[3] != "":
		if username != "" && username != parts[1] {
			return "", "", usageError{fmt.Errorf("revoke-token: token %s is not of user %s", token, username)}
		}
		return parts[1], parts[3], nil
	default:
		return "", "", usageError{fmt.Errorf("revoke-token: %q is neither a token id nor a token name users/U/tokens/ID", token)}
	}
}

func parseRole(s string) (ppks.Role, error) {
	for _, r := range ppks.AnyRole {
		if strings.EqualFold(s, r.String()) {
			return r, nil
		}
	}
	return 0, fmt.Errorf("unknown role %q: WORKER, SUPERVISOR, PLANNER or ADMIN", s)
}
