package ppks

import (
	"strings"
	"time"
)

// CaseState is the state of a case.
type CaseState int

// Case states.
const (
	CaseOpen CaseState = iota + 1
	CaseClosed
)

// Outcome says why a case was closed.
type Outcome int

// Outcomes.
const (
	OutcomeNone Outcome = iota
	OutcomeGraduated
	OutcomeReunified
	OutcomeReferred
	OutcomeMoved
	OutcomeDeceased
	OutcomeOther
)

// Case is one person's need in one PPKS category.
type Case struct {
	ID             string
	BeneficiaryID  string
	PpksType       string
	OpenedOn       Date
	State          CaseState
	Outcome        Outcome
	ClosedOn       Date
	CloseNote      string
	AssignedWorker string
	// PersonKecamatan is the kecamatan of its person, whose area the case belongs to
	// (scope.go); filled by the store on read.
	PersonKecamatan string
	CreateTime      time.Time
	UpdateTime      time.Time
	Revision        int64
}

// Name returns the resource name.
func (c *Case) Name() string { return CaseName(c.BeneficiaryID, c.ID) }

// Etag returns the entity tag of the current revision.
func (c *Case) Etag() string { return etag(c.Revision) }

// CaseName builds a case's resource name.
func CaseName(beneficiaryID, caseID string) string {
	return "beneficiaries/" + beneficiaryID + "/cases/" + caseID
}

// validateNew checks a case about to be opened.
func (c *Case) validateNew(cat *Catalog, today Date) error {
	var vs violations
	c.PpksType = strings.TrimSpace(c.PpksType)
	c.AssignedWorker = strings.TrimSpace(c.AssignedWorker)
	if c.PpksType == "" {
		vs.required("case.ppks_type")
	} else if _, ok := cat.PpksType(c.PpksType); !ok {
		vs.add("case.ppks_type", "UNKNOWN_PPKS_TYPE", "not a known PPKS category", "Jenis PPKS tidak dikenal.")
	}
	checkEventDate(&vs, "case.opened_on", c.OpenedOn, today)
	checkText(&vs, "case.assigned_worker", c.AssignedWorker, maxNameLen)
	return vs.err()
}

// earliestEventYear bounds event dates from below: records before it are typing errors.
const earliestEventYear = 2000

// checkEventDate checks the date of something that happened: complete, real, not before
// earliestEventYear and not after today.
func checkEventDate(vs *violations, field string, d, today Date) {
	switch {
	case d.IsZero():
		vs.required(field)
	case !d.Complete() || !d.Valid() || d.Year < earliestEventYear:
		vs.add(field, "INVALID_DATE", "not a valid complete date from 2000 on", "Tanggal tidak valid (harus lengkap, mulai tahun 2000).")
	case d.After(today):
		vs.add(field, "FUTURE_DATE", "cannot be in the future", "Tidak boleh tanggal yang akan datang.")
	}
}
