package ppks

import (
	"fmt"
	"time"
)

// FieldChange is one field of a record changed from Old to New (as text).
type FieldChange struct {
	Field    string
	Old, New string
}

// Change is one change of one record: who, when, through which operation, and the fields
// with their old and new values. A record's changes are its history.
type Change struct {
	ID        int64  // assigned by the store, increasing
	RecordID  string // the record's id (stable even when a merge renames it)
	Record    string // the record's name when it changed
	Time      time.Time
	Username  string
	Method    string
	RequestID string
	Fields    []FieldChange
}

// diff returns the changes between two sets of named field values (old first).
func diff(names []string, old, new map[string]string) []FieldChange {
	var out []FieldChange
	for _, n := range names {
		if old[n] != new[n] {
			out = append(out, FieldChange{Field: n, Old: old[n], New: new[n]})
		}
	}
	return out
}

// record adds the change of one record to the write of op, when any field changed.
func (op Op) record(id, name string, fields []FieldChange) {
	if len(fields) == 0 || op.Audit == nil {
		return
	}
	a := op.Audit
	a.Changes = append(a.Changes, &Change{RecordID: id, Record: name, Fields: fields,
		Time: a.Time, Username: a.Username, Method: a.Method, RequestID: a.RequestID})
}

// fieldsOf renders a person's fields as text for history.
func (b *Beneficiary) fieldsOf() map[string]string {
	return map[string]string{
		"nik": b.NIK, "full_name": b.FullName, "sex": sexText(b.Sex), "birth_date": dateText(b.BirthDate),
		"kecamatan_code": b.KecamatanCode, "desa": b.Desa, "address": b.Address, "kk_number": b.KK,
		"merged_into": b.MergedInto,
	}
}

var beneficiaryHistoryFields = append(append([]string{}, beneficiaryFields...), "merged_into")

// fieldsOf renders a case's fields as text for history.
func (c *Case) fieldsOf() map[string]string {
	return map[string]string{
		"beneficiary": c.BeneficiaryID, "ppks_type": c.PpksType, "opened_on": dateText(c.OpenedOn),
		"state": caseStateText(c.State), "outcome": outcomeText(c.Outcome), "closed_on": dateText(c.ClosedOn),
		"close_note": c.CloseNote, "assigned_worker": c.AssignedWorker,
	}
}

var caseHistoryFields = []string{"beneficiary", "ppks_type", "opened_on", "state", "outcome", "closed_on", "close_note", "assigned_worker"}

// fieldsOf renders an intervention's fields as text for history.
func (iv *Intervention) fieldsOf() map[string]string {
	return map[string]string{
		"beneficiary": iv.BeneficiaryID, "intervention_type": iv.InterventionType, "delivered_on": dateText(iv.DeliveredOn),
		"kecamatan_code": iv.KecamatanCode, "quantity": fmt.Sprint(iv.Quantity), "unit": iv.Unit, "notes": iv.Notes,
		"state":       map[InterventionState]string{InterventionActive: "ACTIVE", InterventionVoided: "VOIDED"}[iv.State],
		"void_reason": iv.VoidReason, "verification": verificationText(iv.Verification), "reject_reason": iv.RejectReason,
	}
}

var interventionHistoryFields = []string{"beneficiary", "intervention_type", "delivered_on", "kecamatan_code", "quantity", "unit",
	"notes", "state", "void_reason", "verification", "reject_reason"}

func dateText(d Date) string {
	if d.IsZero() {
		return ""
	}
	return d.String()
}

func sexText(s Sex) string {
	return map[Sex]string{SexMale: "MALE", SexFemale: "FEMALE"}[s]
}

func caseStateText(s CaseState) string {
	return map[CaseState]string{CaseOpen: "OPEN", CaseClosed: "CLOSED"}[s]
}

func outcomeText(o Outcome) string {
	return map[Outcome]string{OutcomeGraduated: "GRADUATED", OutcomeReunified: "REUNIFIED", OutcomeReferred: "REFERRED",
		OutcomeMoved: "MOVED", OutcomeDeceased: "DECEASED", OutcomeOther: "OTHER"}[o]
}

func verificationText(v VerificationState) string {
	return map[VerificationState]string{VerificationPending: "PENDING", VerificationVerified: "VERIFIED", VerificationRejected: "REJECTED"}[v]
}

// createdChange records a new record: every field that holds a value, from nothing.
func createdFields(names []string, fields map[string]string) []FieldChange {
	return diff(names, map[string]string{}, fields)
}

// resetChanges forgets changes recorded by an earlier run of a store callback, should a
// store run it again (a retried transaction).
func (op Op) resetChanges() {
	if op.Audit != nil {
		op.Audit.Changes = nil
	}
}

// fieldNames lists the fields of changes, for the audit summary (names, not values).
func fieldNames(fields []FieldChange) []string {
	out := make([]string, len(fields))
	for i, f := range fields {
		out[i] = f.Field
	}
	return out
}

// errMerged refuses a change to a record that was merged into another.
func errMerged() error {
	return FailedPrecondition("MERGED", "the record was merged into another; change the surviving record",
		"Data ini sudah digabung ke data lain; ubahlah data hasil penggabungan.")
}
