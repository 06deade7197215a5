package ppks

import (
	"strings"
	"time"
)

// InterventionState is the state of an intervention record.
type InterventionState int

// Intervention states.
const (
	InterventionActive InterventionState = iota + 1
	InterventionVoided
)

// Intervention is one service delivered to a person within a case.
type Intervention struct {
	ID               string
	BeneficiaryID    string
	CaseID           string
	InterventionType string
	DeliveredOn      Date // its year is the year the intervention counts in
	KecamatanCode    string
	Worker           string
	Quantity         int
	Unit             string
	Notes            string
	State            InterventionState
	VoidReason       string
	VoidTime         time.Time
	CreateTime       time.Time
	UpdateTime       time.Time
	PpksType         string // of the case; filled by the store on read
	// PersonKecamatan is the kecamatan of its person, whose area the record belongs to
	// (scope.go); filled by the store on read.
	PersonKecamatan string
	Revision        int64
	Verification    VerificationState
	VerifiedBy      string    // the supervisor who verified or rejected it
	VerifyTime      time.Time // when it was verified or rejected
	RejectReason    string
}

// VerificationState says whether a supervisor has checked an intervention.
type VerificationState int

// Verification states. A rejected intervention never counts; pending and verified ones
// do, and the indicator shows how much of its figure still waits for checking.
const (
	VerificationPending VerificationState = iota + 1
	VerificationVerified
	VerificationRejected
)

// Etag returns the entity tag of the current revision.
func (iv *Intervention) Etag() string { return etag(iv.Revision) }

// Counts reports whether the record takes part in counting: not voided, not rejected.
func (iv *Intervention) Counts() bool {
	return iv.State == InterventionActive && iv.Verification != VerificationRejected
}

// Name returns the resource name.
func (iv *Intervention) Name() string {
	return CaseName(iv.BeneficiaryID, iv.CaseID) + "/interventions/" + iv.ID
}

// maxQuantity bounds quantities: larger numbers are typing errors.
const maxQuantity = 1_000_000

// validateNew checks an intervention about to be recorded (before its case is known).
func (iv *Intervention) validateNew(cat *Catalog, today Date) error {
	var vs violations
	iv.InterventionType = strings.TrimSpace(iv.InterventionType)
	iv.KecamatanCode = strings.TrimSpace(iv.KecamatanCode)
	iv.Worker = strings.TrimSpace(iv.Worker)
	iv.Unit = strings.TrimSpace(iv.Unit)
	iv.Notes = cleanLongText(iv.Notes)
	if iv.InterventionType == "" {
		vs.required("intervention.intervention_type")
	} else if _, ok := cat.InterventionType(iv.InterventionType); !ok {
		vs.add("intervention.intervention_type", "UNKNOWN_INTERVENTION_TYPE", "not a known intervention type", "Jenis intervensi tidak dikenal.")
	}
	checkEventDate(&vs, "intervention.delivered_on", iv.DeliveredOn, today)
	if iv.KecamatanCode != "" {
		if _, ok := cat.KecamatanByCode(iv.KecamatanCode); !ok {
			vs.add("intervention.kecamatan_code", "UNKNOWN_KECAMATAN", "not a kecamatan of this region", "Kecamatan tidak dikenal di wilayah ini.")
		}
	}
	switch {
	case iv.Quantity == 0:
		iv.Quantity = 1
	case iv.Quantity < 0 || iv.Quantity > maxQuantity:
		vs.add("intervention.quantity", "OUT_OF_RANGE", "must be between 1 and 1000000", "Harus antara 1 dan 1.000.000.")
	}
	checkText(&vs, "intervention.unit", iv.Unit, maxUnitLen)
	checkLongText(&vs, "intervention.notes", iv.Notes, maxNoteLen)
	checkText(&vs, "intervention.worker", iv.Worker, maxNameLen)
	return vs.err()
}

// GraduationType is the intervention that records a graduation (graduasi): recording it
// closes its case as graduated.
const GraduationType = "GRADUASI"
