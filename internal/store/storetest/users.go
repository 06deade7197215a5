package storetest

import (
	"crypto/sha256"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/opendinsos/ppks/internal/ppks"
)

func testUsers(t *testing.T, f *fixture) {
	// Round trips: kecamatan come back in the order given, none as nil.
	admin := newUser()
	admin.Role, admin.Kecamatan, admin.DisplayName = ppks.RoleAdmin, nil, "Citra"
	unsorted := newUser()
	unsorted.Kecamatan = []string{kecC, kecA}
	disabled := newUser()
	disabled.Role, disabled.Kecamatan, disabled.Disabled = ppks.RolePlanner, nil, true
	disabled.UpdateTime, disabled.Revision = baseTime.Add(time.Hour), 4
	for _, want := range []*ppks.User{newUser(), admin, unsorted, disabled} {
		got, err := f.w().CreateUser(newOp("CreateUser", want.Username), want)
		if err != nil {
			t.Fatalf("CreateUser: %v", err)
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("CreateUser returned (-want +got):\n%s", diff)
		}
		got, err = f.s.GetUser(f.ctx, want.Username)
		if err != nil {
			t.Fatalf("GetUser: %v", err)
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("GetUser (-want +got):\n%s", diff)
		}
	}

	// Replay: the first user, nothing written.
	op := newOp("CreateUser", "replay")
	first, err := f.w().CreateUser(op, newUser())
	if err != nil {
		t.Fatalf("CreateUser: %v", err)
	}
	again, err := f.w().CreateUser(op, newUser())
	if err != nil {
		t.Fatalf("CreateUser replay: %v", err)
	}
	if diff := cmp.Diff(first, again); diff != "" {
		t.Errorf("replayed CreateUser (-first +replay):\n%s", diff)
	}

	// A username in use.
	dup := newUser()
	dup.Username, dup.DisplayName = admin.Username, "Someone Else"
	_, err = f.w().CreateUser(newOp("CreateUser", "dup"), dup)
	e := wantErr(t, err, ppks.KindAlreadyExists, "USERNAME_EXISTS")
	if len(e.Violations) != 1 || e.Violations[0].Field != "user.username" || e.Violations[0].Reason != "USERNAME_EXISTS" {
		t.Errorf("Violations = %+v, want one on user.username with reason USERNAME_EXISTS", e.Violations)
	}
	if got, err := f.s.GetUser(f.ctx, admin.Username); err != nil || !cmp.Equal(admin, got) {
		t.Errorf("user after a refused duplicate = %+v, %v; want %+v", got, err, admin)
	}

	// Not there.
	_, err = f.s.GetUser(f.ctx, "nobody")
	wantErr(t, err, ppks.KindNotFound, "")
	_, err = f.w().UpdateUser(ppks.Op{}, "nobody", func(*ppks.User) error {
		t.Error("UpdateUser of a missing user called update")
		return nil
	})
	wantErr(t, err, ppks.KindNotFound, "")

	// Update: every field but the username, revision incremented.
	later := baseTime.Add(24 * time.Hour)
	op = newOp("UpdateUser", "1")
	got, err := f.w().UpdateUser(op, unsorted.Username, func(u *ppks.User) error {
		if diff := cmp.Diff(unsorted, u); diff != "" {
			t.Errorf("update got (-want +got):\n%s", diff)
		}
		u.Username = "renamed"
		u.DisplayName, u.Role, u.Kecamatan, u.Disabled, u.UpdateTime = "Nur", ppks.RoleSupervisor, nil, true, later
		return nil
	})
	if err != nil {
		t.Fatalf("UpdateUser: %v", err)
	}
	want := *unsorted
	want.DisplayName, want.Role, want.Kecamatan, want.Disabled, want.UpdateTime, want.Revision = "Nur", ppks.RoleSupervisor, nil, true, later, 2
	if diff := cmp.Diff(&want, got); diff != "" {
		t.Errorf("UpdateUser returned (-want +got):\n%s", diff)
	}
	if got, err := f.s.GetUser(f.ctx, unsorted.Username); err != nil || !cmp.Equal(&want, got) {
		t.Errorf("GetUser after update = %+v, %v; want %+v", got, err, &want)
	}
	if _, err := f.s.GetUser(f.ctx, "renamed"); ppks.KindOf(err) != ppks.KindNotFound {
		t.Errorf("GetUser of the name update tried to set: err %v, want NotFound", err)
	}
	if op.Audit.Resource != unsorted.Name() {
		t.Errorf("audit Resource = %q, want %q", op.Audit.Resource, unsorted.Name())
	}
	got, err = f.w().UpdateUser(ppks.Op{}, unsorted.Username, func(u *ppks.User) error {
		u.Kecamatan = []string{kecB}
		return nil
	})
	if err != nil || got.Revision != 3 || !cmp.Equal(got.Kecamatan, []string{kecB}) {
		t.Errorf("second UpdateUser = %+v, %v; want revision 3, kecamatan [%s]", got, err, kecB)
	}
	// A failed update changes nothing.
	_, err = f.w().UpdateUser(ppks.Op{}, admin.Username, func(u *ppks.User) error {
		u.Disabled = true
		return errBoom
	})
	if err != errBoom {
		t.Fatalf("UpdateUser err = %v, want the callback's error", err)
	}
	if got, err := f.s.GetUser(f.ctx, admin.Username); err != nil || !cmp.Equal(admin, got) {
		t.Errorf("user after a failed update = %+v, %v; want %+v", got, err, admin)
	}
}

func testListUsers(t *testing.T, f *fixture) {
	var names []string
	for i := range 7 {
		u := f.user(t, func(u *ppks.User) {
			if i%2 == 0 {
				u.Role, u.Kecamatan = ppks.RolePlanner, nil
			}
		})
		names = append(names, u.Username)
	}
	// Usernames not in creation order: the list is by username.
	for _, name := range []string{"zaki", "agus", "mira"} {
		u := f.user(t, func(u *ppks.User) { u.Username = name })
		names = append(names, u.Username)
	}
	checkPaging(t, "users", func(p ppks.PageRequest) ([]*ppks.User, error) {
		return f.s.ListUsers(f.ctx, p)
	}, func(u *ppks.User) string { return u.Username }, sorted(names...))
}

func testCountAdmins(t *testing.T, f *fixture) {
	count := func(want int) {
		t.Helper()
		n, err := f.s.CountAdmins(f.ctx)
		if err != nil {
			t.Fatalf("CountAdmins: %v", err)
		}
		if n != want {
			t.Errorf("CountAdmins = %d, want %d", n, want)
		}
	}
	count(0)
	f.user(t, nil) // a worker
	f.user(t, func(u *ppks.User) { u.Role, u.Kecamatan = ppks.RoleSupervisor, nil })
	count(0)
	a1 := f.user(t, func(u *ppks.User) { u.Role, u.Kecamatan = ppks.RoleAdmin, nil })
	f.user(t, func(u *ppks.User) { u.Role, u.Kecamatan = ppks.RoleAdmin, nil })
	count(2)
	// Disabled administrators do not count.
	f.user(t, func(u *ppks.User) { u.Role, u.Kecamatan, u.Disabled = ppks.RoleAdmin, nil, true })
	count(2)
	if _, err := f.w().UpdateUser(audited("UpdateUser"), a1.Username, func(u *ppks.User) error {
		u.Disabled = true
		return nil
	}); err != nil {
		t.Fatalf("UpdateUser: %v", err)
	}
	count(1)
	if _, err := f.w().UpdateUser(audited("UpdateUser"), a1.Username, func(u *ppks.User) error {
		u.Disabled = false
		return nil
	}); err != nil {
		t.Fatalf("UpdateUser: %v", err)
	}
	count(2)
}

func testTokens(t *testing.T, f *fixture) {
	u := f.user(t, nil)
	other := f.user(t, nil)

	// Round trips, with and without an expiry.
	forever := newToken(u.Username)
	forever.ExpireTime, forever.Description = time.Time{}, ""
	for _, want := range []*ppks.Token{newToken(u.Username), forever} {
		got, err := f.w().CreateToken(newOp("CreateToken", want.ID), want)
		if err != nil {
			t.Fatalf("CreateToken: %v", err)
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("CreateToken returned (-want +got):\n%s", diff)
		}
		tok, usr, err := f.s.Authenticate(f.ctx, want.Hash)
		if err != nil {
			t.Fatalf("Authenticate: %v", err)
		}
		if diff := cmp.Diff(want, tok); diff != "" {
			t.Errorf("Authenticate token (-want +got):\n%s", diff)
		}
		if diff := cmp.Diff(u, usr); diff != "" {
			t.Errorf("Authenticate user (-want +got):\n%s", diff)
		}
	}

	// An unknown hash; a user that does not exist.
	unknown := sha256.Sum256([]byte("no such secret"))
	if _, _, err := f.s.Authenticate(f.ctx, unknown[:]); ppks.KindOf(err) != ppks.KindNotFound {
		t.Errorf("Authenticate with an unknown hash: err %v, want NotFound", err)
	}
	_, err := f.w().CreateToken(newOp("CreateToken", "nobody"), newToken("nobody"))
	wantErr(t, err, ppks.KindNotFound, "")
	if _, err := f.s.ListTokens(f.ctx, "nobody", all); ppks.KindOf(err) != ppks.KindNotFound {
		t.Errorf("ListTokens of an unknown user: err %v, want NotFound", err)
	}

	// Duplicates: an id or a hash already stored.
	first, err := f.s.ListTokens(f.ctx, u.Username, all)
	if err != nil || len(first) != 2 {
		t.Fatalf("ListTokens = %+v, %v; want 2", first, err)
	}
	dupID := newToken(u.Username)
	dupID.ID = first[0].ID
	_, err = f.w().CreateToken(ppks.Op{}, dupID)
	if e := wantErr(t, err, ppks.KindAlreadyExists, ""); e.Resource != first[0].Name() {
		t.Errorf("duplicate id: Resource = %q, want %q", e.Resource, first[0].Name())
	}
	dupHash := newToken(other.Username)
	dupHash.Hash = first[0].Hash
	_, err = f.w().CreateToken(ppks.Op{}, dupHash)
	if e := wantErr(t, err, ppks.KindAlreadyExists, ""); e.Resource == first[0].Name() {
		t.Errorf("duplicate hash: Resource names another user's token %q", e.Resource)
	}

	// Replay: the first token, nothing written.
	op := newOp("CreateToken", "replay")
	created, err := f.w().CreateToken(op, newToken(other.Username))
	if err != nil {
		t.Fatalf("CreateToken: %v", err)
	}
	again, err := f.w().CreateToken(op, newToken(other.Username))
	if err != nil {
		t.Fatalf("CreateToken replay: %v", err)
	}
	if diff := cmp.Diff(created, again); diff != "" {
		t.Errorf("replayed CreateToken (-first +replay):\n%s", diff)
	}

	// Lists hold only the user's tokens, by id.
	if got, err := f.s.ListTokens(f.ctx, other.Username, all); err != nil || !cmp.Equal([]*ppks.Token{created}, got) {
		t.Errorf("ListTokens(%s) = %+v, %v; want [%+v]", other.Username, got, err, created)
	}
	lonely := f.user(t, nil)
	if got, err := f.s.ListTokens(f.ctx, lonely.Username, all); err != nil || len(got) != 0 {
		t.Errorf("ListTokens of a user without tokens = %+v, %v; want none", got, err)
	}

	// Revoke: UpdateToken stores the revocation; the id, user and hash stay whatever
	// update does; Authenticate still finds the token (validity is the domain's).
	target := first[1]
	revoked := *target
	revoked.RevokeTime = baseTime.Add(time.Hour)
	op = newOp("RevokeToken", "1")
	got, err := f.w().UpdateToken(op, u.Username, target.ID, func(tk *ppks.Token) error {
		if diff := cmp.Diff(target, tk); diff != "" {
			t.Errorf("update got (-want +got):\n%s", diff)
		}
		tk.RevokeTime = revoked.RevokeTime
		tk.ID, tk.Username, tk.Hash = "changed", other.Username, []byte("changed")
		return nil
	})
	if err != nil {
		t.Fatalf("UpdateToken: %v", err)
	}
	if diff := cmp.Diff(&revoked, got); diff != "" {
		t.Errorf("UpdateToken returned (-want +got):\n%s", diff)
	}
	if op.Audit.Resource != target.Name() {
		t.Errorf("audit Resource = %q, want %q", op.Audit.Resource, target.Name())
	}
	tok, usr, err := f.s.Authenticate(f.ctx, target.Hash)
	if err != nil || !cmp.Equal(&revoked, tok) || !cmp.Equal(u, usr) {
		t.Errorf("Authenticate a revoked token = %+v, %+v, %v; want %+v and its user", tok, usr, err, &revoked)
	}
	if tok.Valid(baseTime.Add(2 * time.Hour)) {
		t.Error("revoked token is valid")
	}
	// Expiry and description change too.
	got, err = f.w().UpdateToken(ppks.Op{}, u.Username, target.ID, func(tk *ppks.Token) error {
		tk.ExpireTime, tk.Description = time.Time{}, "ponsel"
		return nil
	})
	if err != nil || !got.ExpireTime.IsZero() || got.Description != "ponsel" || !got.RevokeTime.Equal(revoked.RevokeTime) {
		t.Errorf("UpdateToken of expiry and description = %+v, %v", got, err)
	}

	// Another user's token, or none, is not found.
	_, err = f.w().UpdateToken(ppks.Op{}, other.Username, target.ID, func(*ppks.Token) error {
		t.Error("UpdateToken under another user called update")
		return nil
	})
	wantErr(t, err, ppks.KindNotFound, "")
	_, err = f.w().UpdateToken(ppks.Op{}, u.Username, newID(), func(*ppks.Token) error {
		t.Error("UpdateToken of a missing token called update")
		return nil
	})
	wantErr(t, err, ppks.KindNotFound, "")

	// A disabled user's token is still found, with the user as stored.
	if _, err := f.w().UpdateUser(ppks.Op{}, u.Username, func(u *ppks.User) error { u.Disabled = true; return nil }); err != nil {
		t.Fatalf("UpdateUser: %v", err)
	}
	if _, usr, err := f.s.Authenticate(f.ctx, first[0].Hash); err != nil || !usr.Disabled {
		t.Errorf("Authenticate a disabled user's token = %+v, %v; want the disabled user", usr, err)
	}
}

func testListTokens(t *testing.T, f *fixture) {
	u, other := f.user(t, nil), f.user(t, nil)
	var ids []string
	for i := range 7 {
		ids = append(ids, f.token(t, u, nil).ID)
		if i%2 == 0 {
			f.token(t, other, nil)
		}
	}
	checkPaging(t, "tokens", func(p ppks.PageRequest) ([]*ppks.Token, error) {
		return f.s.ListTokens(f.ctx, u.Username, p)
	}, func(t *ppks.Token) string { return t.ID }, sorted(ids...))
}
