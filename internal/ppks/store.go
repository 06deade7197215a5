package ppks

import (
	"context"
	"time"
)

// RequestKey identifies a client request so that a retry is answered with the first
// result and changes nothing (AIP-155). The store records it in the same transaction as
// the change it made.
type RequestKey struct {
	ID          string // the client's request_id; empty: the request is not idempotent
	Method      string // the method it was sent to
	Fingerprint string // hash of the request's payload, to refuse a reused id
}

// ErrRequestReused is returned when a request id comes back with another payload.
func ErrRequestReused() *Error {
	return &Error{
		Kind:    KindFailedPrecondition,
		Reason:  "REQUEST_ID_REUSED",
		Message: "request_id was already used for a different request",
		Pesan:   "request_id sudah dipakai untuk permintaan lain.",
		Violations: []Violation{{
			Field: "request_id", Reason: "REQUEST_ID_REUSED",
			Message: "already used for a different request", Pesan: "Sudah dipakai untuk permintaan lain.",
		}},
	}
}

// BeneficiaryFilter selects people. Empty fields select everything.
type BeneficiaryFilter struct {
	KecamatanIn   []string // restricts to these kecamatan (access scope); empty: all
	KecamatanCode string
	PpksType      string // people with a case of this category
	NIK           string
	NameContains  string // normalised (NormalizeName) substring of the name
}

// CaseFilter selects cases.
type CaseFilter struct {
	BeneficiaryID string // empty: every person
	KecamatanIn   []string
	KecamatanCode string // the person's kecamatan
	PpksType      string
	State         CaseState // zero: any
}

// InterventionFilter selects interventions.
type InterventionFilter struct {
	BeneficiaryID    string // empty: every person
	CaseID           string // empty: every case
	KecamatanIn      []string
	KecamatanCode    string // where delivered
	Year             int    // year delivered; zero: any
	InterventionType string
	State            InterventionState // zero: any
	Verification     VerificationState // zero: any
}

// Store keeps the records. Implementations run each method in one transaction; the
// callbacks passed to create and update methods run inside it, so the domain's checks
// see the state they change. Every write takes an Op: its request key makes a retry
// return the first result without writing (the record as it is now, re-read), and its
// audit entry and record changes are appended in the same transaction. Lists return up
// to PageRequest.Limit items in key order (ids; years for targets) after
// PageRequest.After. Reads of a person, case or intervention through the id of a merged
// person follow it to the survivor; lists never show merged records.
type Store interface {
	// CreateBeneficiary stores b. A known key returns the stored record unchanged; a
	// NIK already recorded is KindAlreadyExists with Resource naming the existing record.
	CreateBeneficiary(ctx context.Context, op Op, b *Beneficiary) (*Beneficiary, error)
	GetBeneficiary(ctx context.Context, id string) (*Beneficiary, error)
	ListBeneficiaries(ctx context.Context, f BeneficiaryFilter, p PageRequest) ([]*Beneficiary, error)
	// UpdateBeneficiary reads the record, lets update change it, and stores it with its
	// revision incremented.
	UpdateBeneficiary(ctx context.Context, op Op, id string, update func(*Beneficiary) error) (*Beneficiary, error)

	// CreateCase reads the person and stores the case build returns.
	CreateCase(ctx context.Context, op Op, beneficiaryID string, build func(*Beneficiary) (*Case, error)) (*Case, error)
	GetCase(ctx context.Context, beneficiaryID, caseID string) (*Case, error)
	ListCases(ctx context.Context, f CaseFilter, p PageRequest) ([]*Case, error)
	UpdateCase(ctx context.Context, op Op, beneficiaryID, caseID string, update func(*Case) error) (*Case, error)

	// CreateIntervention reads the person and the case and stores what build returns;
	// when build changed the case (a GRADUASI closing it), the case is stored too. An
	// intervention dated in a locked year is refused with ErrYearLocked unless an
	// amendment of the year is open at its UpdateTime (checkYearOpen's rule, applied in
	// the transaction of the insert).
	CreateIntervention(ctx context.Context, op Op, beneficiaryID, caseID string, build func(*Beneficiary, *Case) (*Intervention, error)) (*Intervention, error)
	GetIntervention(ctx context.Context, beneficiaryID, caseID, id string) (*Intervention, error)
	ListInterventions(ctx context.Context, f InterventionFilter, p PageRequest) ([]*Intervention, error)
	UpdateIntervention(ctx context.Context, op Op, beneficiaryID, caseID, id string, update func(*Intervention) error) (*Intervention, error)

	GetTarget(ctx context.Context, indicator string, year int) (*Target, error)
	ListTargets(ctx context.Context, indicator string, p PageRequest) ([]*Target, error)
	// UpsertTarget reads the year's targets (exists false and a fresh Target when there
	// are none), lets update change them, and stores them.
	UpsertTarget(ctx context.Context, op Op, indicator string, year int, update func(t *Target, exists bool) error) (*Target, error)

	// DuplicateCandidates returns live records (not merged, not b itself) that could be
	// the person b: the same KK number, or the same sex and kecamatan, or sharing the
	// longest part of MatchKey(b.FullName); at most limit.
	DuplicateCandidates(ctx context.Context, b *Beneficiary, limit int) ([]*Beneficiary, error)
	// MergeBeneficiaries reads both records and the duplicate's cases and interventions,
	// lets merge change them all (moving them to the survivor, filling the survivor's
	// gaps, setting the duplicate's MergedInto), and stores them. A NIK the survivor takes
	// over is released by the duplicate first.
	MergeBeneficiaries(ctx context.Context, op Op, survivorID, duplicateID string,
		merge func(survivor, duplicate *Beneficiary, cases []*Case, interventions []*Intervention) error) (*Beneficiary, error)
	// ListChanges returns the history of one record (by id), oldest first; keyset on the
	// change id (decimal).
	ListChanges(ctx context.Context, recordID string, p PageRequest) ([]*Change, error)

	// CreateUser stores u; a username in use is KindAlreadyExists.
	CreateUser(ctx context.Context, op Op, u *User) (*User, error)
	GetUser(ctx context.Context, username string) (*User, error)
	ListUsers(ctx context.Context, p PageRequest) ([]*User, error) // keyset on username
	UpdateUser(ctx context.Context, op Op, username string, update func(*User) error) (*User, error)
	// CountAdmins counts the enabled administrators (the CLI bootstraps the first one).
	CountAdmins(ctx context.Context) (int, error)

	// CreateToken stores t (its user must exist).
	CreateToken(ctx context.Context, op Op, t *Token) (*Token, error)
	// Authenticate finds the token with the hash and its user; NotFound when none.
	Authenticate(ctx context.Context, hash []byte) (*Token, *User, error)
	ListTokens(ctx context.Context, username string, p PageRequest) ([]*Token, error) // keyset on id
	UpdateToken(ctx context.Context, op Op, username, id string, update func(*Token) error) (*Token, error)

	// AppendAudit appends an entry on its own (reads of personal data); writes append
	// theirs through their Op.
	AppendAudit(ctx context.Context, e *AuditEntry) error
	// ListAudit returns entries newest first; PageRequest.After is the id (decimal) of
	// the last entry of the previous page.
	ListAudit(ctx context.Context, f AuditFilter, p PageRequest) ([]*AuditEntry, error)

	// IndicatorCounts returns the counts of a year as the store maintains them: kept up
	// to date in the transaction of every write that changes them (an intervention
	// recorded, corrected, voided, verified or rejected; a case's PPKS category; a
	// person's KK number; a merge), so that reading them takes the same time whatever the
	// amount of data. They must equal CountsFromFacts of CountFacts at all times.
	// The breakdowns of each type are left out (nil): the indicator reads those summed
	// over the counted types (IndicatorCounts.Counted).
	IndicatorCounts(ctx context.Context, year int) (IndicatorCounts, error)
	// DetailedCounts is IndicatorCounts with the breakdowns of each type, for comparing
	// with a recount.
	DetailedCounts(ctx context.Context, year int) (IndicatorCounts, error)
	// SetCountingRules records which intervention types count toward the indicator from
	// which year (for UniquePersons) and which are counted in families; when they differ
	// from those recorded, the maintained counts are rebuilt from the raw rows.
	SetCountingRules(ctx context.Context, rules []CountingRule, familyTypes []string) error
	// RebuildCounts recomputes every maintained count from the raw rows.
	RebuildCounts(ctx context.Context) error
	// CountYears lists the years with at least one intervention, ascending.
	CountYears(ctx context.Context) ([]int, error)

	// CountFacts returns, for the year, one fact per (intervention type, person) with at
	// least one active intervention delivered in that year.
	CountFacts(ctx context.Context, year int) ([]CountFact, error)

	// Reports (LKjIP): the facts reports count, budget lines, programme indicators, the
	// Renstra period, year locks with their signed snapshots, and amendments.

	// ServiceFacts returns, for the year, one fact per (intervention type, person, PPKS
	// category of the case) with at least one intervention delivered in that year that
	// counts (as for CountFacts: active, not rejected).
	ServiceFacts(ctx context.Context, year int) ([]ServiceFact, error)
	// ChangedInterventions returns the interventions delivered in the year that were
	// created or changed after since.
	ChangedInterventions(ctx context.Context, year int, since time.Time) ([]InterventionChange, error)
	GetBudgetLine(ctx context.Context, year int, code string) (*BudgetLine, error)
	ListBudgetLines(ctx context.Context, year int, p PageRequest) ([]*BudgetLine, error) // keyset on code
	// UpsertBudgetLine reads the line (exists false and a fresh line when there is none),
	// lets update change it, and stores it.
	UpsertBudgetLine(ctx context.Context, op Op, year int, code string, update func(l *BudgetLine, exists bool) error) (*BudgetLine, error)
	// DeleteBudgetLine reads the line, lets check refuse, and deletes it.
	DeleteBudgetLine(ctx context.Context, op Op, year int, code string, check func(*BudgetLine) error) error
	GetProgramIndicator(ctx context.Context, year int, id string) (*ProgramIndicator, error)
	ListProgramIndicators(ctx context.Context, year int, p PageRequest) ([]*ProgramIndicator, error) // keyset on id
	UpsertProgramIndicator(ctx context.Context, op Op, year int, id string, update func(p *ProgramIndicator, exists bool) error) (*ProgramIndicator, error)
	DeleteProgramIndicator(ctx context.Context, op Op, year int, id string, check func(*ProgramIndicator) error) error
	GetStrategicPlan(ctx context.Context, indicator string) (*StrategicPlan, error)
	UpsertStrategicPlan(ctx context.Context, op Op, indicator string, update func(p *StrategicPlan, exists bool) error) (*StrategicPlan, error)
	// GetYearLock returns the lock of a year; NotFound while the year is open.
	GetYearLock(ctx context.Context, year int) (*YearLock, error)
	// CreateYearLock stores the lock build returns, build running inside the write
	// transaction (no write slips between the snapshot and the lock). A locked year is
	// KindAlreadyExists; a replayed request returns the stored lock.
	CreateYearLock(ctx context.Context, op Op, year int, build func() (*YearLock, error)) (*YearLock, error)
	// CreateAmendment stores the amendment build returns (build runs in the transaction).
	CreateAmendment(ctx context.Context, op Op, year int, build func() (*Amendment, error)) (*Amendment, error)
	GetAmendment(ctx context.Context, year int, id string) (*Amendment, error)
	ListAmendments(ctx context.Context, year int, p PageRequest) ([]*Amendment, error) // keyset on id
	UpdateAmendment(ctx context.Context, op Op, year int, id string, update func(*Amendment) error) (*Amendment, error)
	// OpenAmendment returns the amendment of the year open at t (not closed, not
	// expired); NotFound when none.
	OpenAmendment(ctx context.Context, year int, t time.Time) (*Amendment, error)

	// --- Web application (issue 12): passwords, sessions, the verification queue and
	// the dashboard's kecamatan view. Kept together so that the Store's reshape can move
	// them as one. ---

	// SetPassword stores the user's password (replacing any) and, in the same
	// transaction, revokes every session of the user but keepSession ("" for none).
	// NotFound when the user does not exist.
	SetPassword(ctx context.Context, op Op, pw *Password, keepSession string) error
	// GetPassword returns a user's password hash; NotFound when none is set.
	GetPassword(ctx context.Context, username string) (*Password, error)
	// CreateSession stores a new session of an existing user.
	CreateSession(ctx context.Context, op Op, s *Session) (*Session, error)
	// SessionByHash finds the session with the secret hash and its user; NotFound when
	// none. It does not check that the session is live: the domain does.
	SessionByHash(ctx context.Context, hash []byte) (*Session, *User, error)
	// TouchSession records a request of the session at t (no audit entry: a read).
	TouchSession(ctx context.Context, id string, t time.Time) error
	// RevokeSession revokes one session of the user at t; revoking twice is harmless.
	RevokeSession(ctx context.Context, op Op, username, id string, t time.Time) error
	// RevokeSessions revokes every unrevoked session of the user at t and returns how
	// many it revoked.
	RevokeSessions(ctx context.Context, op Op, username string, t time.Time) (int, error)
	// ListSessions returns the user's unrevoked sessions seen at or after seenSince,
	// newest first (at most MaxPageSize).
	ListSessions(ctx context.Context, username string, seenSince time.Time) ([]*Session, error)

	// ListPending lists the active interventions waiting for verification under the
	// filter, by delivery date then id; PageRequest.After is "YYYY-MM-DD|id" of the
	// last item of the previous page.
	ListPending(ctx context.Context, f PendingFilter, p PageRequest) ([]*Intervention, error)
	// GetBeneficiaries returns the people with the ids (following merges to the
	// survivor), in no particular order; ids that name nobody are left out.
	GetBeneficiaries(ctx context.Context, ids []string) ([]*Beneficiary, error)
	// CountPending counts the active interventions waiting for verification delivered
	// in the months fromMonth to toMonth ("YYYY-MM"; "" unbounded), per kecamatan,
	// intervention type and worker. Its time must not grow with the length of the queue.
	CountPending(ctx context.Context, fromMonth, toMonth string) ([]PendingCount, error)
	// KecamatanFacts returns the facts of CountFacts of the year whose first delivery
	// was in the kecamatan, from the maintained counts; FamilyKey is that of CountFacts
	// for the types counted in families ("person:"+id or the KK number), "person:"+id
	// for the others (where CountsFromFacts does not read it).
	KecamatanFacts(ctx context.Context, year int, kecamatan string) ([]CountFact, error)

	Close() error
}
