// Package storetest is the conformance suite every ppks.Store backend must pass.
package storetest

import (
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"sort"
	"sync/atomic"
	"testing"
	"time"

	"github.com/opendinsos/ppks/internal/ppks"
)

// RunAll runs the suite against the stores open returns. Each subtest calls open for a
// new, empty store of its own and closes it when it ends; subtests run in parallel.
func RunAll(t *testing.T, open func(t *testing.T) ppks.Store) {
	tests := []struct {
		name string
		fn   func(t *testing.T, f *fixture)
	}{
		{"BeneficiaryRoundTrip", testBeneficiaryRoundTrip},
		{"CaseRoundTrip", testCaseRoundTrip},
		{"InterventionRoundTrip", testInterventionRoundTrip},
		{"DuplicateNIK", testDuplicateNIK},
		{"PeopleWithoutNIK", testPeopleWithoutNIK},
		{"DuplicateID", testDuplicateID},
		{"IdempotentReplay", testIdempotentReplay},
		{"ReplayReturnsCurrentState", testReplayReturnsCurrentState},
		{"RequestReused", testRequestReused},
		{"RequestIDsPerUser", testRequestIDsPerUser},
		{"Transfers", testTransfers},         // transfers.go
		{"ReadsInAWrite", testReadsInAWrite}, // txreads.go
		{"LockRace", testLockRace},           // lockrace.go
		{"CallbackErrorRollsBack", testCallbackErrorRollsBack},
		{"NotFound", testNotFound},
		{"WrongParent", testWrongParent},
		{"ListBeneficiaries", testListBeneficiaries},
		{"ListCases", testListCases},
		{"ListInterventions", testListInterventions},
		{"Paging", testPaging},
		{"Scope", testScope},
		{"Updates", testUpdates},
		{"Targets", testTargets},
		{"CountFacts", testCountFacts},
		{"ConcurrentCreates", testConcurrentCreates},
		{"WriteAudit", testWriteAudit},
		{"ReplayAddsNoAudit", testReplayAddsNoAudit},
		{"FailedWriteAddsNoAudit", testFailedWriteAddsNoAudit},
		{"ListAudit", testListAudit},
		{"AuditPaging", testAuditPaging},
		{"Users", testUsers},
		{"ListUsers", testListUsers},
		{"CountAdmins", testCountAdmins},
		{"Tokens", testTokens},
		{"ListTokens", testListTokens},
		{"Reports", testReports}, // reports.go
	}
	tests = append(tests, identityTests...)
	tests = append(tests, countsTests...) // counts.go
	tests = append(tests, webTests...)    // sessions.go
	tests = append(tests, feedTests...)   // feed.go
	c := &calls{seen: map[string]bool{}}
	var ran atomic.Int32 // subtests run: -run may pick some
	// The subtests run in parallel within one group, which returns when they all ended:
	// then the suite knows which methods it called (coverage.go).
	t.Run("all", func(t *testing.T) {
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				t.Parallel()
				// Counted once it ran to the end unskipped: a backend that is not here (no
				// PostgreSQL outside CI) skips in open, and then no coverage is checked.
				t.Cleanup(func() {
					if !t.Skipped() {
						ran.Add(1)
					}
				})
				s := &recorder{s: open(t), calls: c}
				t.Cleanup(func() {
					if err := s.Close(); err != nil {
						t.Errorf("Close: %v", err)
					}
				})
				tt.fn(t, &fixture{s: s, ctx: t.Context(), open: func(t *testing.T) ppks.Store {
					other := open(t)
					t.Cleanup(func() { other.Close() })
					return other
				}})
			})
		}
	})
	if !t.Failed() && int(ran.Load()) == len(tests) {
		checkCoverage(t, c)
	}
}

// Kecamatan codes and categories used by the fixtures.
const (
	kecA = "73.06.01"
	kecB = "73.06.02"
	kecC = "73.06.03"

	anak   = "ANAK_TELANTAR"
	lansia = "LANSIA_TELANTAR"

	permakanan = "PERMAKANAN"
	alatBantu  = "ALAT_BANTU"
	graduasi   = "GRADUASI"
	bimbingan  = "BIMBINGAN_FMSS"
)

// baseTime is a UTC time with microseconds, as the service passes them.
var baseTime = time.Date(2025, 1, 2, 3, 4, 5, 678901000, time.UTC)

var seq atomic.Uint64

// newID returns a UUID-shaped id greater than every id returned before: ids sort by
// creation, as the service's time-ordered UUIDs do.
func newID() string { return fmt.Sprintf("0190a000-0000-7000-8000-%012d", seq.Add(1)) }

// newNIK returns a NIK-shaped number no other call returns.
func newNIK() string { return fmt.Sprintf("7306%012d", seq.Add(1)) }

// newKey returns a request key for method with a payload fingerprint.
func newKey(method, fingerprint string) ppks.RequestKey {
	return ppks.RequestKey{Username: auditor, ID: newID(), Method: method, Fingerprint: fingerprint}
}

// auditor is the user the fixtures' audit entries name.
const auditor = "petugas.a"

// newAudit returns the audit entry of a write by auditor, as the service builds it: the
// store fills in Resource and ID.
func newAudit(method, requestID string) *ppks.AuditEntry {
	return &ppks.AuditEntry{Time: baseTime, Username: auditor, Role: ppks.RoleWorker, Method: method,
		Action: ppks.AuditWrite, RequestID: requestID, Summary: "test " + method}
}

// newOp returns the Op of an idempotent write: a new request key and its audit entry.
func newOp(method, fingerprint string) ppks.Op {
	key := newKey(method, fingerprint)
	return ppks.Op{Key: key, Audit: newAudit(method, key.ID)}
}

// audited returns the Op of a write without a request id, with an audit entry.
func audited(method string) ppks.Op {
	return ppks.Op{Audit: newAudit(method, "")}
}

// fixture is the store under test and helpers that build records in it.
type fixture struct {
	s   ppks.Store
	ctx context.Context
	// open makes another new, empty store (closed when the test ends), for what only a
	// second database shows.
	open func(t *testing.T) ppks.Store
}

// newPerson returns a person, not stored, with every field set.
func newPerson() *ppks.Beneficiary {
	return &ppks.Beneficiary{
		ID:            newID(),
		NIK:           newNIK(),
		FullName:      "Siti Aminah",
		Sex:           ppks.SexFemale,
		BirthDate:     ppks.Date{Year: 1980, Month: 5, Day: 17},
		KecamatanCode: kecA,
		Desa:          "Bontoala",
		Address:       "Jl. Poros Malino No. 1",
		CreateTime:    baseTime,
		UpdateTime:    baseTime,
		Revision:      1,
	}
}

// newCase returns an open case, not stored.
func newCase() *ppks.Case {
	return &ppks.Case{
		ID:             newID(),
		PpksType:       anak,
		OpenedOn:       ppks.Date{Year: 2024, Month: 1, Day: 3},
		State:          ppks.CaseOpen,
		Outcome:        ppks.OutcomeNone,
		AssignedWorker: "Pak Rahman",
		CreateTime:     baseTime,
		UpdateTime:     baseTime,
		Revision:       1,
	}
}

// newIntervention returns an active intervention, not stored.
func newIntervention() *ppks.Intervention {
	return &ppks.Intervention{
		ID:               newID(),
		InterventionType: permakanan,
		DeliveredOn:      ppks.Date{Year: 2024, Month: 3, Day: 10},
		KecamatanCode:    kecA,
		Worker:           "Bu Nur",
		Quantity:         30,
		Unit:             "paket",
		Notes:            "diantar ke rumah",
		State:            ppks.InterventionActive,
		CreateTime:       baseTime,
		UpdateTime:       baseTime,
		Revision:         1,
	}
}

// person stores a person, changed by mod when not nil.
func (f *fixture) person(t *testing.T, mod func(*ppks.Beneficiary)) *ppks.Beneficiary {
	t.Helper()
	b := newPerson()
	if mod != nil {
		mod(b)
	}
	got, err := f.w().CreateBeneficiary(audited("CreateBeneficiary"), b)
	if err != nil {
		t.Fatalf("CreateBeneficiary: %v", err)
	}
	return got
}

// openCase stores a case of b, changed by mod when not nil.
func (f *fixture) openCase(t *testing.T, b *ppks.Beneficiary, mod func(*ppks.Case)) *ppks.Case {
	t.Helper()
	c := newCase()
	if mod != nil {
		mod(c)
	}
	got, err := f.w().CreateCase(audited("CreateCase"), b.ID, func(*ppks.Beneficiary) (*ppks.Case, error) {
		c.BeneficiaryID = b.ID
		return c, nil
	})
	if err != nil {
		t.Fatalf("CreateCase: %v", err)
	}
	return got
}

// deliver stores an intervention in c, changed by mod when not nil.
func (f *fixture) deliver(t *testing.T, c *ppks.Case, mod func(*ppks.Intervention)) *ppks.Intervention {
	t.Helper()
	iv := newIntervention()
	if mod != nil {
		mod(iv)
	}
	got, err := f.w().CreateIntervention(audited("CreateIntervention"), c.BeneficiaryID, c.ID,
		func(_ *ppks.Beneficiary, c *ppks.Case) (*ppks.Intervention, error) {
			iv.BeneficiaryID, iv.CaseID, iv.PpksType = c.BeneficiaryID, c.ID, c.PpksType
			return iv, nil
		})
	if err != nil {
		t.Fatalf("CreateIntervention: %v", err)
	}
	return got
}

// newUser returns a worker, not stored, with every field set. Usernames sort by creation.
func newUser() *ppks.User {
	return &ppks.User{
		Username:    fmt.Sprintf("user%012d", seq.Add(1)),
		DisplayName: "Nur Hidayah",
		Role:        ppks.RoleWorker,
		Kecamatan:   []string{kecA, kecB},
		CreateTime:  baseTime,
		UpdateTime:  baseTime,
		Revision:    1,
	}
}

// newToken returns a token of the user, not stored, with a hash no other call returns.
func newToken(username string) *ppks.Token {
	id := newID()
	h := sha256.Sum256([]byte("secret of " + id))
	return &ppks.Token{
		ID:          id,
		Username:    username,
		Hash:        h[:],
		Description: "laptop kantor",
		CreateTime:  baseTime,
		ExpireTime:  baseTime.Add(365 * 24 * time.Hour),
	}
}

// user stores a user, changed by mod when not nil.
func (f *fixture) user(t *testing.T, mod func(*ppks.User)) *ppks.User {
	t.Helper()
	u := newUser()
	if mod != nil {
		mod(u)
	}
	got, err := f.w().CreateUser(audited("CreateUser"), u)
	if err != nil {
		t.Fatalf("CreateUser: %v", err)
	}
	return got
}

// token stores a token of u, changed by mod when not nil.
func (f *fixture) token(t *testing.T, u *ppks.User, mod func(*ppks.Token)) *ppks.Token {
	t.Helper()
	tok := newToken(u.Username)
	if mod != nil {
		mod(tok)
	}
	got, err := f.w().CreateToken(audited("CreateToken"), tok)
	if err != nil {
		t.Fatalf("CreateToken: %v", err)
	}
	return got
}

// all asks for everything in one page.
var all = ppks.PageRequest{Limit: ppks.MaxPageSize}

func (f *fixture) beneficiaries(t *testing.T, flt ppks.BeneficiaryFilter) []string {
	t.Helper()
	got, err := f.s.ListBeneficiaries(f.ctx, flt, all)
	if err != nil {
		t.Fatalf("ListBeneficiaries(%+v): %v", flt, err)
	}
	if n, err := f.s.CountBeneficiaries(f.ctx, flt); err != nil || n != len(got) {
		t.Errorf("CountBeneficiaries(%+v) = %d, %v; the list has %d", flt, n, err, len(got))
	}
	return keys(got, func(b *ppks.Beneficiary) string { return b.ID })
}

func (f *fixture) cases(t *testing.T, flt ppks.CaseFilter) []string {
	t.Helper()
	got, err := f.s.ListCases(f.ctx, flt, all)
	if err != nil {
		t.Fatalf("ListCases(%+v): %v", flt, err)
	}
	if n, err := f.s.CountCases(f.ctx, flt); err != nil || n != len(got) {
		t.Errorf("CountCases(%+v) = %d, %v; the list has %d", flt, n, err, len(got))
	}
	return keys(got, func(c *ppks.Case) string { return c.ID })
}

func (f *fixture) interventions(t *testing.T, flt ppks.InterventionFilter) []string {
	t.Helper()
	got, err := f.s.ListInterventions(f.ctx, flt, all)
	if err != nil {
		t.Fatalf("ListInterventions(%+v): %v", flt, err)
	}
	if n, err := f.s.CountInterventions(f.ctx, flt); err != nil || n != len(got) {
		t.Errorf("CountInterventions(%+v) = %d, %v; the list has %d", flt, n, err, len(got))
	}
	return keys(got, func(iv *ppks.Intervention) string { return iv.ID })
}

func (f *fixture) audit(t *testing.T, flt ppks.AuditFilter) []*ppks.AuditEntry {
	t.Helper()
	got, err := f.s.ListAudit(f.ctx, flt, all)
	if err != nil {
		t.Fatalf("ListAudit(%+v): %v", flt, err)
	}
	return got
}

func keys[T any](items []T, key func(T) string) []string {
	out := []string{}
	for _, it := range items {
		out = append(out, key(it))
	}
	return out
}

// sorted returns ids in key order, as lists return them.
func sorted(ids ...string) []string {
	out := append([]string{}, ids...)
	sort.Strings(out)
	return out
}

// wantErr fails t unless err is a *ppks.Error of kind with reason (any reason when "").
func wantErr(t *testing.T, err error, kind ppks.Kind, reason string) *ppks.Error {
	t.Helper()
	var e *ppks.Error
	if !errors.As(err, &e) {
		t.Fatalf("err = %v, want a *ppks.Error of kind %d", err, kind)
	}
	if ppks.KindOf(err) != kind || (reason != "" && e.Reason != reason) {
		t.Fatalf("err = kind %d reason %q (%v), want kind %d reason %q", e.Kind, e.Reason, err, kind, reason)
	}
	return e
}
