package server_test

import (
	"testing"

	ppksv1 "github.com/opendinsos/ppks/gen/ppks/v1"
	"github.com/opendinsos/ppks/internal/ppks"
	"google.golang.org/protobuf/reflect/protoreflect"
)

// The enums the domain, the protos and the database share are converted by their number
// (ppksv1.X(domainValue)): pin every value to its proto name, so a reordered constant
// or a renumbered enum fails here, not in a user's data. (The database's literals are
// pinned in sqlite's enums_test.go.)
func TestEnumsMatchTheProtos(t *testing.T) {
	type pin struct {
		got  protoreflect.Enum
		want string
	}
	pins := []pin{
		{ppksv1.Role(ppks.RoleWorker), "ROLE_WORKER"},
		{ppksv1.Role(ppks.RoleSupervisor), "ROLE_SUPERVISOR"},
		{ppksv1.Role(ppks.RolePlanner), "ROLE_PLANNER"},
		{ppksv1.Role(ppks.RoleAdmin), "ROLE_ADMIN"},
		{ppksv1.Sex(ppks.SexMale), "SEX_MALE"},
		{ppksv1.Sex(ppks.SexFemale), "SEX_FEMALE"},
		{ppksv1.CaseState(ppks.CaseOpen), "CASE_STATE_OPEN"},
		{ppksv1.CaseState(ppks.CaseClosed), "CASE_STATE_CLOSED"},
		{ppksv1.CaseOutcome(ppks.OutcomeNone), "CASE_OUTCOME_UNSPECIFIED"},
		{ppksv1.CaseOutcome(ppks.OutcomeGraduated), "CASE_OUTCOME_GRADUATED"},
		{ppksv1.CaseOutcome(ppks.OutcomeReunified), "CASE_OUTCOME_REUNIFIED"},
		{ppksv1.CaseOutcome(ppks.OutcomeReferred), "CASE_OUTCOME_REFERRED"},
		{ppksv1.CaseOutcome(ppks.OutcomeMoved), "CASE_OUTCOME_MOVED"},
		{ppksv1.CaseOutcome(ppks.OutcomeDeceased), "CASE_OUTCOME_DECEASED"},
		{ppksv1.CaseOutcome(ppks.OutcomeOther), "CASE_OUTCOME_OTHER"},
		{ppksv1.InterventionState(ppks.InterventionActive), "INTERVENTION_STATE_ACTIVE"},
		{ppksv1.InterventionState(ppks.InterventionVoided), "INTERVENTION_STATE_VOIDED"},
		{ppksv1.VerificationState(ppks.VerificationPending), "VERIFICATION_STATE_PENDING"},
		{ppksv1.VerificationState(ppks.VerificationVerified), "VERIFICATION_STATE_VERIFIED"},
		{ppksv1.VerificationState(ppks.VerificationRejected), "VERIFICATION_STATE_REJECTED"},
		{ppksv1.AuditAction(ppks.AuditWrite), "AUDIT_ACTION_WRITE"},
		{ppksv1.AuditAction(ppks.AuditRead), "AUDIT_ACTION_READ"},
		{ppksv1.TransferState(ppks.TransferPending), "TRANSFER_STATE_PENDING"},
		{ppksv1.TransferState(ppks.TransferApproved), "TRANSFER_STATE_APPROVED"},
		{ppksv1.TransferState(ppks.TransferRejected), "TRANSFER_STATE_REJECTED"},
		{ppksv1.SyncStatus(ppks.SyncCreated), "SYNC_STATUS_CREATED"},
		{ppksv1.SyncStatus(ppks.SyncAlreadyExisted), "SYNC_STATUS_ALREADY_EXISTED"},
		{ppksv1.SyncStatus(ppks.SyncFailed), "SYNC_STATUS_FAILED"},
		{ppksv1.AmendmentState(ppks.AmendmentOpen), "AMENDMENT_STATE_OPEN"},
		{ppksv1.AmendmentState(ppks.AmendmentClosed), "AMENDMENT_STATE_CLOSED"},
		{ppksv1.AmendmentState(ppks.AmendmentExpired), "AMENDMENT_STATE_EXPIRED"},
		{ppksv1.CountedUnit(ppks.UnitPerson), "COUNTED_UNIT_PERSON"},
		{ppksv1.CountedUnit(ppks.UnitFamily), "COUNTED_UNIT_FAMILY"},
		{ppksv1.TimelineEventKind(ppks.EventCaseOpened), "TIMELINE_EVENT_KIND_CASE_OPENED"},
		{ppksv1.TimelineEventKind(ppks.EventIntervention), "TIMELINE_EVENT_KIND_INTERVENTION"},
		{ppksv1.TimelineEventKind(ppks.EventCaseClosed), "TIMELINE_EVENT_KIND_CASE_CLOSED"},
	}
	for _, p := range pins {
		d := p.got.Descriptor().Values().ByNumber(p.got.Number())
		if d == nil || string(d.Name()) != p.want {
			t.Errorf("%s value %d is %v, want %s", p.got.Descriptor().Name(), p.got.Number(), d, p.want)
		}
	}
}
