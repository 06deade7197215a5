package ppks

import (
	"context"
	"time"
)

// RequestKey identifies a client request so that a retry is answered with the first
// result and changes nothing (AIP-155). The store records it in the same transaction as
// the change it made. A request id is the user's own: the same id sent by another user is
// another request, checked and audited in full (a replay answers without the checks).
type RequestKey struct {
	Username    string // who sent it: the signed-in user, set by the service (Service.op)
	ID          string // the client's request_id; empty: the request is not idempotent
	Method      string // the method it was sent to
	Fingerprint string // hash of the request's payload, to refuse a reused id
}

// ErrRequestReused is returned when a request id comes back with another payload.
func ErrRequestReused() *Error {
	return &Error{
		Kind:      KindFailedPrecondition,
		Reason:    "REQUEST_ID_REUSED",
		Message:   "request_id was already used for a different request",
		Localized: "request_id sudah dipakai untuk permintaan lain.",
		Violations: []Violation{{
			Field: "request_id", Reason: "REQUEST_ID_REUSED",
			Message: "already used for a different request", Localized: "Sudah dipakai untuk permintaan lain.",
		}},
	}
}

// BeneficiaryFilter selects people. Empty fields select everything.
type BeneficiaryFilter struct {
	Area          Area // the caller's area (scope.go)
	KecamatanCode string
	PpksType      string // people with a case of this category
	NIK           string
	NameContains  string // normalised (NormalizeName) substring of the name
}

// CaseFilter selects cases.
type CaseFilter struct {
	BeneficiaryID string // empty: every person
	Area          Area   // the caller's area, by the person's kecamatan (scope.go)
	KecamatanCode string // the person's kecamatan
	PpksType      string
	State         CaseState // zero: any
}

// InterventionFilter selects interventions.
type InterventionFilter struct {
	BeneficiaryID    string // empty: every person
	CaseID           string // empty: every case
	Area             Area   // the caller's area, by the person's kecamatan (scope.go)
	KecamatanCode    string // the person's kecamatan
	DeliveredIn      string // the kecamatan where it was delivered
	Year             int    // year delivered; zero: any
	InterventionType string
	State            InterventionState // zero: any
	Verification     VerificationState // zero: any
}

// Store keeps the records. Reads outside a write (Reader) each see one consistent
// snapshot. A write is one function run by Write in one transaction: everything it reads
// through its Tx sees the transaction's own state (its earlier writes, and nothing that
// commits meanwhile), and everything it writes commits together with its request key
// and audit entry, or not at all. The rules of a write (scope, year lock, etags, first
// delivery) are the domain's: the Tx only reads and stores.
//
// Lists return up to PageRequest.Limit items in key order (ids; years for targets)
// after PageRequest.After. Reads of a person, case or intervention through the id of a
// merged person follow it to the survivor; lists never show merged records.
type Store interface {
	Reader
	FeedReader // the change feed of offline sync (feed.go)
	// Write runs fn in one transaction and then, when fn succeeded, records op: its
	// request key (so that a retry is answered from it) with the resource op.Audit names
	// (a write with a key carries its audit entry, whose Resource fn may set once it knows
	// it), and its audit entry with the record changes (history) it carries. Before fn runs,
	// op's key is looked up among the requests already answered (the same user, id,
	// method and payload): then fn does not run, nothing is written, and Write returns
	// the resource name the first request produced, for the caller to read and answer
	// with. The same id with another method or payload is ErrRequestReused. fn's error is
	// returned as it is, after the transaction was rolled back. fn must do all its work
	// through the Tx and the ctx it is given: the store refuses reads and writes made
	// from inside fn through the Store itself (errNestedCall), which would run outside
	// the transaction or wait on it forever.
	Write(ctx context.Context, op Op, fn func(ctx context.Context, tx Tx) error) (replayed string, err error)
	CountMaintainer
	Close() error
}

// Reader is every read of the store, by role.
type Reader interface {
	RecordReader
	AccessReader
	CountReader
	ReportReader
}

// Tx is a write's transaction: the reads, which see its own state, and the writes.
type Tx interface {
	Reader
	RecordWriter
	AccessWriter
	ReportWriter
}

// RecordReader reads people, their cases and interventions, their history and the
// transfer requests.
type RecordReader interface {
	GetBeneficiary(ctx context.Context, id string) (*Beneficiary, error)
	ListBeneficiaries(ctx context.Context, f BeneficiaryFilter, p PageRequest) ([]*Beneficiary, error)
	GetCase(ctx context.Context, beneficiaryID, caseID string) (*Case, error)
	ListCases(ctx context.Context, f CaseFilter, p PageRequest) ([]*Case, error)
	GetIntervention(ctx context.Context, beneficiaryID, caseID, id string) (*Intervention, error)
	ListInterventions(ctx context.Context, f InterventionFilter, p PageRequest) ([]*Intervention, error)
	// CountBeneficiaries, CountCases and CountInterventions count what the lists would
	// list under the filter, over every page.
	CountBeneficiaries(ctx context.Context, f BeneficiaryFilter) (int, error)
	CountCases(ctx context.Context, f CaseFilter) (int, error)
	CountInterventions(ctx context.Context, f InterventionFilter) (int, error)
	// DuplicateCandidates returns live records (not merged, not b itself) that could be
	// the person b: the same KK number, or the same sex and kecamatan, or sharing the
	// longest part of MatchKey(b.FullName); at most limit.
	DuplicateCandidates(ctx context.Context, b *Beneficiary, limit int) ([]*Beneficiary, error)
	// ListChanges returns the history of one record (by id), oldest first; keyset on the
	// change id (decimal).
	ListChanges(ctx context.Context, recordID string, p PageRequest) ([]*Change, error)
	GetTransfer(ctx context.Context, id string) (*Transfer, error)
	ListTransfers(ctx context.Context, f TransferFilter, p PageRequest) ([]*Transfer, error) // keyset on id
	// ListPending lists the active interventions waiting for verification under the
	// filter, by delivery date then id; PageRequest.After is "YYYY-MM-DD|id" of the last
	// item of the previous page.
	ListPending(ctx context.Context, f PendingFilter, p PageRequest) ([]*Intervention, error)
	// GetBeneficiaries returns the people with the ids (following merges to the
	// survivor), in no particular order; ids that name nobody are left out.
	GetBeneficiaries(ctx context.Context, ids []string) ([]*Beneficiary, error)
}

// RecordWriter stores people, cases, interventions and transfer requests. Updates are
// conditional: a record passed with Revision r is stored only when the stored one is
// still at r, and then carries r+1 (Revision is updated on the argument); otherwise the
// write is KindAborted. The store keeps the maintained counts (IndicatorCounts) in the
// same transaction as every write that moves them.
type RecordWriter interface {
	// InsertBeneficiary stores a new person. A taken id is KindAlreadyExists naming it;
	// a NIK already recorded is KindAlreadyExists, reason NIK_EXISTS, naming its holder.
	InsertBeneficiary(ctx context.Context, b *Beneficiary) error
	// UpdateBeneficiary stores a person's fields (never MergedInto: merges do); a NIK
	// recorded for another person is as for InsertBeneficiary.
	UpdateBeneficiary(ctx context.Context, b *Beneficiary) error
	// InsertCase stores a new case of its person. A taken id is KindAlreadyExists naming
	// the case that holds it, whoever's it is.
	InsertCase(ctx context.Context, c *Case) error
	// UpdateCase stores a case's fields (never its person).
	UpdateCase(ctx context.Context, c *Case) error
	// InsertIntervention stores a new intervention of its case, counted in its PpksType:
	// the category of the case as read in this transaction (a store may read it itself
	// when empty). A taken id is KindAlreadyExists naming the intervention that holds it. An intervention dated in a
	// locked year with no amendment open at its UpdateTime is refused with
	// ErrYearLocked: the database's own backstop of the domain's rule (lock.go).
	InsertIntervention(ctx context.Context, iv *Intervention) error
	// UpdateIntervention stores an intervention's fields (never its person or case).
	UpdateIntervention(ctx context.Context, iv *Intervention) error
	// MergeBeneficiaries stores a merge the domain decided: survivor's fields, duplicate
	// as a pointer to it (MergedInto set, its NIK released first so the survivor may take
	// it over), and every case and intervention of duplicate moved to survivor with
	// survivor's UpdateTime. Both are conditional on their Revision.
	MergeBeneficiaries(ctx context.Context, survivor, duplicate *Beneficiary) error
	InsertTransfer(ctx context.Context, t *Transfer) error
	UpdateTransfer(ctx context.Context, t *Transfer) error
}

// AccessReader reads users, tokens and the audit log.
type AccessReader interface {
	GetUser(ctx context.Context, username string) (*User, error)
	ListUsers(ctx context.Context, p PageRequest) ([]*User, error) // keyset on username
	// CountAdmins counts the enabled administrators (the CLI bootstraps the first one).
	CountAdmins(ctx context.Context) (int, error)
	// Authenticate finds the token with the hash and its user; NotFound when none.
	Authenticate(ctx context.Context, hash []byte) (*Token, *User, error)
	GetToken(ctx context.Context, username, id string) (*Token, error)
	ListTokens(ctx context.Context, username string, p PageRequest) ([]*Token, error) // keyset on id
	// ListAudit returns entries newest first; PageRequest.After is the id (decimal) of
	// the last entry of the previous page.
	ListAudit(ctx context.Context, f AuditFilter, p PageRequest) ([]*AuditEntry, error)
	// GetPassword returns a user's password hash; NotFound when none is set.
	GetPassword(ctx context.Context, username string) (*Password, error)
	// SessionByHash finds the web session with the secret hash and its user; NotFound
	// when none. It does not check that the session is live: the domain does.
	SessionByHash(ctx context.Context, hash []byte) (*Session, *User, error)
	// ListSessions returns the user's unrevoked sessions seen at or after seenSince,
	// newest first (at most MaxPageSize).
	ListSessions(ctx context.Context, username string, seenSince time.Time) ([]*Session, error)
}

// AccessWriter stores users and tokens.
type AccessWriter interface {
	// InsertUser stores a new user; a username in use is KindAlreadyExists.
	InsertUser(ctx context.Context, u *User) error
	UpdateUser(ctx context.Context, u *User) error // conditional on Revision
	// InsertToken stores a token of an existing user.
	InsertToken(ctx context.Context, t *Token) error
	UpdateToken(ctx context.Context, t *Token) error
	// PutPassword stores a user's password hash, replacing any; NotFound when the user
	// does not exist.
	PutPassword(ctx context.Context, pw *Password) error
	// InsertSession stores a new web session of an existing user.
	InsertSession(ctx context.Context, s *Session) error
	// TouchSession records a request of the session at t.
	TouchSession(ctx context.Context, id string, t time.Time) error
	// RevokeSession revokes one session of the user at t; revoking twice is harmless.
	RevokeSession(ctx context.Context, username, id string, t time.Time) error
	// RevokeSessions revokes every unrevoked session of the user at t but keep ("" for
	// none) and returns how many it revoked.
	RevokeSessions(ctx context.Context, username, keep string, t time.Time) (int, error)
	// DeleteEndedSessions deletes the user's sessions revoked or expired before
	// endedBefore, or last seen before seenBefore, and returns how many it deleted.
	DeleteEndedSessions(ctx context.Context, username string, endedBefore, seenBefore time.Time) (int, error)
}

// CountReader reads the counts the indicator is computed from.
type CountReader interface {
	// IndicatorCounts returns the counts of a year as the store maintains them: kept up
	// to date in the transaction of every write that changes them (an intervention
	// recorded, corrected, voided, verified or rejected; a case's PPKS category; a
	// person's KK number; a merge), so that reading them takes the same time whatever the
	// amount of data. They must equal CountsFromFacts of CountFacts at all times. The
	// breakdowns of each type are left out (nil): the indicator reads those summed over
	// the counted types (IndicatorCounts.Counted).
	IndicatorCounts(ctx context.Context, year int) (IndicatorCounts, error)
	// DetailedCounts is IndicatorCounts with the breakdowns of each type, for comparing
	// with a recount.
	DetailedCounts(ctx context.Context, year int) (IndicatorCounts, error)
	// CountYears lists the years with at least one intervention, ascending.
	CountYears(ctx context.Context) ([]int, error)
	// CountFacts returns, for the year, one fact per (intervention type, person) with at
	// least one intervention that counts (Intervention.Counts) delivered in that year:
	// its first delivery (FirstDelivery) and its family (FamilyKey).
	CountFacts(ctx context.Context, year int) ([]CountFact, error)
	// ServiceFacts returns, for the year, one fact per (intervention type, person, PPKS
	// category of the case) with an intervention that counts delivered in that year.
	ServiceFacts(ctx context.Context, year int) ([]ServiceFact, error)
	// CountPending counts the active interventions waiting for verification delivered in
	// the months fromMonth to toMonth ("YYYY-MM"; "" unbounded), per kecamatan,
	// intervention type and worker. Its time must not grow with the length of the queue.
	CountPending(ctx context.Context, fromMonth, toMonth string) ([]PendingCount, error)
	// KecamatanFacts returns the facts of CountFacts of the year whose first delivery was
	// in the kecamatan, from the maintained counts; FamilyKey is that of CountFacts for
	// the types counted in families, "person:"+id for the others (where CountsFromFacts
	// does not read it).
	KecamatanFacts(ctx context.Context, year int, kecamatan string) ([]CountFact, error)
}

// CountMaintainer changes how the counts are kept; outside any write.
type CountMaintainer interface {
	// SetCountingRules records which intervention types count toward the indicator from
	// which year (for UniquePersons) and which are counted in families; when they differ
	// from those recorded, the maintained counts are rebuilt from the raw rows.
	SetCountingRules(ctx context.Context, rules []CountingRule, familyTypes []string) error
	// RebuildCounts recomputes every maintained count from the raw rows.
	RebuildCounts(ctx context.Context) error
}

// ReportReader reads what the reports (LKjIP) need besides the counts: targets, budget
// lines, programme indicators, the Renstra period, year locks with their signed
// snapshots, and amendments.
type ReportReader interface {
	GetTarget(ctx context.Context, indicator string, year int) (*Target, error)
	ListTargets(ctx context.Context, indicator string, p PageRequest) ([]*Target, error)
	GetBudgetLine(ctx context.Context, year int, code string) (*BudgetLine, error)
	ListBudgetLines(ctx context.Context, year int, p PageRequest) ([]*BudgetLine, error) // keyset on code
	GetProgramIndicator(ctx context.Context, year int, id string) (*ProgramIndicator, error)
	ListProgramIndicators(ctx context.Context, year int, p PageRequest) ([]*ProgramIndicator, error) // keyset on id
	GetStrategicPlan(ctx context.Context, indicator string) (*StrategicPlan, error)
	// GetYearLock returns the lock of a year; NotFound while the year is open.
	GetYearLock(ctx context.Context, year int) (*YearLock, error)
	// YearLocked reports whether a year is locked, without reading its snapshot.
	YearLocked(ctx context.Context, year int) (bool, error)
	GetAmendment(ctx context.Context, year int, id string) (*Amendment, error)
	ListAmendments(ctx context.Context, year int, p PageRequest) ([]*Amendment, error) // keyset on id
	// OpenAmendment returns the amendment of the year open at t (not closed, not
	// expired); NotFound when none.
	OpenAmendment(ctx context.Context, year int, t time.Time) (*Amendment, error)
	// ChangedInterventions returns the interventions delivered in the year that were
	// created or changed after since.
	ChangedInterventions(ctx context.Context, year int, since time.Time) ([]InterventionChange, error)
}

// ReportWriter stores the reports' inputs, year locks and amendments.
type ReportWriter interface {
	PutTarget(ctx context.Context, t *Target) error // creates or replaces the year's targets
	PutBudgetLine(ctx context.Context, l *BudgetLine) error
	DeleteBudgetLine(ctx context.Context, year int, code string) error // NotFound when none
	PutProgramIndicator(ctx context.Context, p *ProgramIndicator) error
	DeleteProgramIndicator(ctx context.Context, year int, id string) error // NotFound when none
	PutStrategicPlan(ctx context.Context, p *StrategicPlan) error
	// InsertYearLock stores a year's lock; a locked year is KindAlreadyExists.
	InsertYearLock(ctx context.Context, l *YearLock) error
	InsertAmendment(ctx context.Context, a *Amendment) error
	UpdateAmendment(ctx context.Context, a *Amendment) error
}
