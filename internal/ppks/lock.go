package ppks

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"time"
)

// Year locks. Once a year's report is signed, an administrator locks the year: the
// report is stored as a snapshot (its canonical bytes and their SHA-256), and from then
// on writes dated in that year are refused with FailedPrecondition, unless an
// administrator has opened an amendment of the year with a reason. The snapshot never
// changes; what changed since is served separately (report_changes.go).

// YearLock is a locked year and its signed snapshot.
type YearLock struct {
	Year     int
	LockTime time.Time
	Username string // who locked it
	Snapshot []byte // the canonical encoding of the signed Report
	Hash     string // hex SHA-256 of Snapshot
}

// Amendment lets writes dated in a locked year through while it is open.
type Amendment struct {
	Year       int
	ID         string
	Reason     string
	OpenedBy   string
	CreateTime time.Time
	ExpireTime time.Time
	CloseTime  time.Time // zero while not closed
	ClosedBy   string
}

// AmendmentState is the state of an amendment at a time.
type AmendmentState int

// Amendment states.
const (
	AmendmentOpen AmendmentState = iota + 1
	AmendmentClosed
	AmendmentExpired
)

// Name returns the resource name.
func (a *Amendment) Name() string { return ReportName(a.Year) + "/amendments/" + a.ID }

// State returns the state of the amendment at t.
func (a *Amendment) State(t time.Time) AmendmentState {
	switch {
	case !a.CloseTime.IsZero():
		return AmendmentClosed
	case !t.Before(a.ExpireTime):
		return AmendmentExpired
	}
	return AmendmentOpen
}

// End returns when the amendment stopped (or stops) accepting writes.
func (a *Amendment) End() time.Time {
	if !a.CloseTime.IsZero() && a.CloseTime.Before(a.ExpireTime) {
		return a.CloseTime
	}
	return a.ExpireTime
}

// Amendment lifetimes.
const (
	DefaultAmendmentTTL = 7 * 24 * time.Hour
	MaxAmendmentTTL     = 30 * 24 * time.Hour
)

// InterventionChange is an intervention dated in a locked year that was created or
// changed after the lock.
type InterventionChange struct {
	Name       string
	CreateTime time.Time
	UpdateTime time.Time
}

// ErrYearLocked refuses a write dated in a locked year.
func ErrYearLocked(year int) *Error {
	return &Error{
		Kind:      KindFailedPrecondition,
		Reason:    "YEAR_LOCKED",
		Message:   "the year " + itoa(year) + " is locked (its report is signed); ask an administrator to open an amendment",
		Localized: "Tahun " + itoa(year) + " sudah dikunci (laporannya sudah ditandatangani); minta administrator membuka amandemen.",
		Resource:  ReportName(year),
	}
}

// YearOpen refuses a write dated in year when the year is locked and no amendment of
// it is open at now: the year-lock rule, defined here once. Writes check it through their
// own transaction (tx), where the lock cannot change under the check: a lock is taken in
// a write too, and a write that commits before the lock is in its snapshot, one that
// commits after it sees the lock. A retried request is answered from its first result
// before the check runs, so retries of writes made before the lock still succeed. The
// write's update_time is now, within the amendment: that is how changes since the lock
// are attributed to it. (The database keeps a trigger on inserted interventions as a
// backstop of this rule: sqlite/migrations/0004_reports.sql.)
func YearOpen(ctx context.Context, tx ReportReader, year int, now time.Time) error {
	if year == 0 {
		return nil
	}
	if locked, err := tx.YearLocked(ctx, year); err != nil || !locked {
		return err
	}
	if _, err := tx.OpenAmendment(ctx, year, now); KindOf(err) == KindNotFound {
		return ErrYearLocked(year)
	} else if err != nil {
		return err
	}
	return nil
}

// checkYearOpen is YearOpen at the service's clock.
func (s *Service) checkYearOpen(ctx context.Context, tx ReportReader, year int) error {
	return YearOpen(ctx, tx, year, s.now())
}

// snapshotVersion is the format version of stored snapshots.
const snapshotVersion = 1

// snapshot is the stored form of a signed report.
type snapshot struct {
	Version int
	Report  *Report
}

// encodeSnapshot returns the canonical bytes of a signed report and their hash. The
// encoding is JSON of the domain types (fields in declaration order, map keys sorted,
// exact numbers as fractions), so the same report always gives the same bytes; the hash
// is over the stored bytes and is checked whenever they are read.
func encodeSnapshot(r *Report) ([]byte, string, error) {
	b, err := json.Marshal(snapshot{Version: snapshotVersion, Report: r})
	if err != nil {
		return nil, "", Internal("encode snapshot", err)
	}
	return b, hashSnapshot(b), nil
}

func hashSnapshot(b []byte) string {
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}

// decodeSnapshot reads a stored snapshot, refusing bytes that do not match their hash.
func decodeSnapshot(l *YearLock) (*Report, error) {
	if hashSnapshot(l.Snapshot) != l.Hash {
		return nil, &Error{Kind: KindInternal, Reason: "SNAPSHOT_CORRUPT", Message: "the signed snapshot does not match its hash",
			Localized: "Snapshot laporan yang ditandatangani rusak."}
	}
	var s snapshot
	if err := json.Unmarshal(l.Snapshot, &s); err != nil {
		return nil, Internal("decode snapshot", err)
	}
	if s.Report == nil {
		return nil, Internal("decode snapshot", errString("no report"))
	}
	return s.Report, nil
}

type errString string

func (e errString) Error() string { return string(e) }

// checkYearsOpen is checkYearOpen for a change of a record dated in from that may move it
// to another year, to: both years must take writes.
func (s *Service) checkYearsOpen(ctx context.Context, tx ReportReader, from, to int) error {
	if err := s.checkYearOpen(ctx, tx, from); err != nil || to == from {
		return err
	}
	return s.checkYearOpen(ctx, tx, to)
}

// checkTargetYearOpen refuses a change of a locked year's targets outside an amendment
// (the targets are figures of the signed report); an update that changes nothing passes.
func (s *Service) checkTargetYearOpen(ctx context.Context, tx ReportReader, before, after *Target) error {
	same := func(a, b *int) bool { return (a == nil) == (b == nil) && (a == nil || *a == *b) }
	if same(before.Value, after.Value) && same(before.Renstra, after.Renstra) && same(before.Historical, after.Historical) {
		return nil
	}
	return s.checkYearOpen(ctx, tx, after.Year)
}

// checkCountedYearsOpen refuses a change that moves the figures of every year in which
// one of ivs counts (a merge of its person, a new PPKS category of its case, a new KK
// number of its person): each such year must take writes. Interventions that do not
// count (voided, rejected) move no figure.
func (s *Service) checkCountedYearsOpen(ctx context.Context, tx ReportReader, ivs []*Intervention) error {
	years := map[int]bool{}
	for _, iv := range ivs {
		if iv.Counts() && !years[iv.DeliveredOn.Year] {
			years[iv.DeliveredOn.Year] = true
			if err := s.checkYearOpen(ctx, tx, iv.DeliveredOn.Year); err != nil {
				return err
			}
		}
	}
	return nil
}

// interventionsOf reads every intervention of a person (and of one case, when caseID is
// set), for checkCountedYearsOpen.
func interventionsOf(ctx context.Context, tx RecordReader, beneficiaryID, caseID string) ([]*Intervention, error) {
	f := InterventionFilter{BeneficiaryID: beneficiaryID, CaseID: caseID}
	return allPages(func(pg PageRequest) ([]*Intervention, error) { return tx.ListInterventions(ctx, f, pg) },
		func(iv *Intervention) string { return iv.ID })
}
