package storetest

// Code written from the interfaces of internal/ppks/store.go: every method of Store and
// of Tx, delegated and recorded, so that the suite can tell which it never called
// (coverage.go). A method added to an interface stops this file from compiling until it
// is added here too.

import (
	"context"
	"time"

	"github.com/opendinsos/ppks/internal/ppks"
)

var (
	_ ppks.Store = (*recorder)(nil)
	_ ppks.Tx    = (*recordingTx)(nil)
)

func (r *recorder) Close() error {
	r.calls.called("Store.Close")
	return r.s.Close()
}

func (r *recorder) GetBeneficiary(ctx context.Context, id string) (*ppks.Beneficiary, error) {
	r.calls.called("Store.GetBeneficiary")
	return r.s.GetBeneficiary(ctx, id)
}

func (r *recorder) ListBeneficiaries(ctx context.Context, f ppks.BeneficiaryFilter, p ppks.PageRequest) ([]*ppks.Beneficiary, error) {
	r.calls.called("Store.ListBeneficiaries")
	return r.s.ListBeneficiaries(ctx, f, p)
}

func (r *recorder) GetCase(ctx context.Context, beneficiaryID string, caseID string) (*ppks.Case, error) {
	r.calls.called("Store.GetCase")
	return r.s.GetCase(ctx, beneficiaryID, caseID)
}

func (r *recorder) ListCases(ctx context.Context, f ppks.CaseFilter, p ppks.PageRequest) ([]*ppks.Case, error) {
	r.calls.called("Store.ListCases")
	return r.s.ListCases(ctx, f, p)
}

func (r *recorder) GetIntervention(ctx context.Context, beneficiaryID string, caseID string, id string) (*ppks.Intervention, error) {
	r.calls.called("Store.GetIntervention")
	return r.s.GetIntervention(ctx, beneficiaryID, caseID, id)
}

func (r *recorder) ListInterventions(ctx context.Context, f ppks.InterventionFilter, p ppks.PageRequest) ([]*ppks.Intervention, error) {
	r.calls.called("Store.ListInterventions")
	return r.s.ListInterventions(ctx, f, p)
}

func (r *recorder) DuplicateCandidates(ctx context.Context, b *ppks.Beneficiary, limit int) ([]*ppks.Beneficiary, error) {
	r.calls.called("Store.DuplicateCandidates")
	return r.s.DuplicateCandidates(ctx, b, limit)
}

func (r *recorder) ListChanges(ctx context.Context, recordID string, p ppks.PageRequest) ([]*ppks.Change, error) {
	r.calls.called("Store.ListChanges")
	return r.s.ListChanges(ctx, recordID, p)
}

func (r *recorder) GetTransfer(ctx context.Context, id string) (*ppks.Transfer, error) {
	r.calls.called("Store.GetTransfer")
	return r.s.GetTransfer(ctx, id)
}

func (r *recorder) ListTransfers(ctx context.Context, f ppks.TransferFilter, p ppks.PageRequest) ([]*ppks.Transfer, error) {
	r.calls.called("Store.ListTransfers")
	return r.s.ListTransfers(ctx, f, p)
}

func (r *recorder) ListPending(ctx context.Context, f ppks.PendingFilter, p ppks.PageRequest) ([]*ppks.Intervention, error) {
	r.calls.called("Store.ListPending")
	return r.s.ListPending(ctx, f, p)
}

func (r *recorder) GetBeneficiaries(ctx context.Context, ids []string) ([]*ppks.Beneficiary, error) {
	r.calls.called("Store.GetBeneficiaries")
	return r.s.GetBeneficiaries(ctx, ids)
}

func (r *recorder) GetUser(ctx context.Context, username string) (*ppks.User, error) {
	r.calls.called("Store.GetUser")
	return r.s.GetUser(ctx, username)
}

func (r *recorder) ListUsers(ctx context.Context, p ppks.PageRequest) ([]*ppks.User, error) {
	r.calls.called("Store.ListUsers")
	return r.s.ListUsers(ctx, p)
}

func (r *recorder) CountAdmins(ctx context.Context) (int, error) {
	r.calls.called("Store.CountAdmins")
	return r.s.CountAdmins(ctx)
}

func (r *recorder) Authenticate(ctx context.Context, hash []byte) (*ppks.Token, *ppks.User, error) {
	r.calls.called("Store.Authenticate")
	return r.s.Authenticate(ctx, hash)
}

func (r *recorder) GetToken(ctx context.Context, username string, id string) (*ppks.Token, error) {
	r.calls.called("Store.GetToken")
	return r.s.GetToken(ctx, username, id)
}

func (r *recorder) ListTokens(ctx context.Context, username string, p ppks.PageRequest) ([]*ppks.Token, error) {
	r.calls.called("Store.ListTokens")
	return r.s.ListTokens(ctx, username, p)
}

func (r *recorder) ListAudit(ctx context.Context, f ppks.AuditFilter, p ppks.PageRequest) ([]*ppks.AuditEntry, error) {
	r.calls.called("Store.ListAudit")
	return r.s.ListAudit(ctx, f, p)
}

func (r *recorder) GetPassword(ctx context.Context, username string) (*ppks.Password, error) {
	r.calls.called("Store.GetPassword")
	return r.s.GetPassword(ctx, username)
}

func (r *recorder) SessionByHash(ctx context.Context, hash []byte) (*ppks.Session, *ppks.User, error) {
	r.calls.called("Store.SessionByHash")
	return r.s.SessionByHash(ctx, hash)
}

func (r *recorder) ListSessions(ctx context.Context, username string, seenSince time.Time) ([]*ppks.Session, error) {
	r.calls.called("Store.ListSessions")
	return r.s.ListSessions(ctx, username, seenSince)
}

func (r *recorder) IndicatorCounts(ctx context.Context, year int) (ppks.IndicatorCounts, error) {
	r.calls.called("Store.IndicatorCounts")
	return r.s.IndicatorCounts(ctx, year)
}

func (r *recorder) DetailedCounts(ctx context.Context, year int) (ppks.IndicatorCounts, error) {
	r.calls.called("Store.DetailedCounts")
	return r.s.DetailedCounts(ctx, year)
}

func (r *recorder) CountYears(ctx context.Context) ([]int, error) {
	r.calls.called("Store.CountYears")
	return r.s.CountYears(ctx)
}

func (r *recorder) CountFacts(ctx context.Context, year int) ([]ppks.CountFact, error) {
	r.calls.called("Store.CountFacts")
	return r.s.CountFacts(ctx, year)
}

func (r *recorder) ServiceFacts(ctx context.Context, year int) ([]ppks.ServiceFact, error) {
	r.calls.called("Store.ServiceFacts")
	return r.s.ServiceFacts(ctx, year)
}

func (r *recorder) CountPending(ctx context.Context, fromMonth string, toMonth string) ([]ppks.PendingCount, error) {
	r.calls.called("Store.CountPending")
	return r.s.CountPending(ctx, fromMonth, toMonth)
}

func (r *recorder) KecamatanFacts(ctx context.Context, year int, kecamatan string) ([]ppks.CountFact, error) {
	r.calls.called("Store.KecamatanFacts")
	return r.s.KecamatanFacts(ctx, year, kecamatan)
}

func (r *recorder) GetTarget(ctx context.Context, indicator string, year int) (*ppks.Target, error) {
	r.calls.called("Store.GetTarget")
	return r.s.GetTarget(ctx, indicator, year)
}

func (r *recorder) ListTargets(ctx context.Context, indicator string, p ppks.PageRequest) ([]*ppks.Target, error) {
	r.calls.called("Store.ListTargets")
	return r.s.ListTargets(ctx, indicator, p)
}

func (r *recorder) GetBudgetLine(ctx context.Context, year int, code string) (*ppks.BudgetLine, error) {
	r.calls.called("Store.GetBudgetLine")
	return r.s.GetBudgetLine(ctx, year, code)
}

func (r *recorder) ListBudgetLines(ctx context.Context, year int, p ppks.PageRequest) ([]*ppks.BudgetLine, error) {
	r.calls.called("Store.ListBudgetLines")
	return r.s.ListBudgetLines(ctx, year, p)
}

func (r *recorder) GetProgramIndicator(ctx context.Context, year int, id string) (*ppks.ProgramIndicator, error) {
	r.calls.called("Store.GetProgramIndicator")
	return r.s.GetProgramIndicator(ctx, year, id)
}

func (r *recorder) ListProgramIndicators(ctx context.Context, year int, p ppks.PageRequest) ([]*ppks.ProgramIndicator, error) {
	r.calls.called("Store.ListProgramIndicators")
	return r.s.ListProgramIndicators(ctx, year, p)
}

func (r *recorder) GetStrategicPlan(ctx context.Context, indicator string) (*ppks.StrategicPlan, error) {
	r.calls.called("Store.GetStrategicPlan")
	return r.s.GetStrategicPlan(ctx, indicator)
}

func (r *recorder) GetYearLock(ctx context.Context, year int) (*ppks.YearLock, error) {
	r.calls.called("Store.GetYearLock")
	return r.s.GetYearLock(ctx, year)
}

func (r *recorder) YearLocked(ctx context.Context, year int) (bool, error) {
	r.calls.called("Store.YearLocked")
	return r.s.YearLocked(ctx, year)
}

func (r *recorder) GetAmendment(ctx context.Context, year int, id string) (*ppks.Amendment, error) {
	r.calls.called("Store.GetAmendment")
	return r.s.GetAmendment(ctx, year, id)
}

func (r *recorder) ListAmendments(ctx context.Context, year int, p ppks.PageRequest) ([]*ppks.Amendment, error) {
	r.calls.called("Store.ListAmendments")
	return r.s.ListAmendments(ctx, year, p)
}

func (r *recorder) OpenAmendment(ctx context.Context, year int, t time.Time) (*ppks.Amendment, error) {
	r.calls.called("Store.OpenAmendment")
	return r.s.OpenAmendment(ctx, year, t)
}

func (r *recorder) ChangedInterventions(ctx context.Context, year int, since time.Time) ([]ppks.InterventionChange, error) {
	r.calls.called("Store.ChangedInterventions")
	return r.s.ChangedInterventions(ctx, year, since)
}

func (r *recorder) SetCountingRules(ctx context.Context, rules []ppks.CountingRule, familyTypes []string) error {
	r.calls.called("Store.SetCountingRules")
	return r.s.SetCountingRules(ctx, rules, familyTypes)
}

func (r *recorder) RebuildCounts(ctx context.Context) error {
	r.calls.called("Store.RebuildCounts")
	return r.s.RebuildCounts(ctx)
}

func (r *recordingTx) GetBeneficiary(ctx context.Context, id string) (*ppks.Beneficiary, error) {
	r.calls.called("Tx.GetBeneficiary")
	return r.tx.GetBeneficiary(ctx, id)
}

func (r *recordingTx) ListBeneficiaries(ctx context.Context, f ppks.BeneficiaryFilter, p ppks.PageRequest) ([]*ppks.Beneficiary, error) {
	r.calls.called("Tx.ListBeneficiaries")
	return r.tx.ListBeneficiaries(ctx, f, p)
}

func (r *recordingTx) GetCase(ctx context.Context, beneficiaryID string, caseID string) (*ppks.Case, error) {
	r.calls.called("Tx.GetCase")
	return r.tx.GetCase(ctx, beneficiaryID, caseID)
}

func (r *recordingTx) ListCases(ctx context.Context, f ppks.CaseFilter, p ppks.PageRequest) ([]*ppks.Case, error) {
	r.calls.called("Tx.ListCases")
	return r.tx.ListCases(ctx, f, p)
}

func (r *recordingTx) GetIntervention(ctx context.Context, beneficiaryID string, caseID string, id string) (*ppks.Intervention, error) {
	r.calls.called("Tx.GetIntervention")
	return r.tx.GetIntervention(ctx, beneficiaryID, caseID, id)
}

func (r *recordingTx) ListInterventions(ctx context.Context, f ppks.InterventionFilter, p ppks.PageRequest) ([]*ppks.Intervention, error) {
	r.calls.called("Tx.ListInterventions")
	return r.tx.ListInterventions(ctx, f, p)
}

func (r *recordingTx) DuplicateCandidates(ctx context.Context, b *ppks.Beneficiary, limit int) ([]*ppks.Beneficiary, error) {
	r.calls.called("Tx.DuplicateCandidates")
	return r.tx.DuplicateCandidates(ctx, b, limit)
}

func (r *recordingTx) ListChanges(ctx context.Context, recordID string, p ppks.PageRequest) ([]*ppks.Change, error) {
	r.calls.called("Tx.ListChanges")
	return r.tx.ListChanges(ctx, recordID, p)
}

func (r *recordingTx) GetTransfer(ctx context.Context, id string) (*ppks.Transfer, error) {
	r.calls.called("Tx.GetTransfer")
	return r.tx.GetTransfer(ctx, id)
}

func (r *recordingTx) ListTransfers(ctx context.Context, f ppks.TransferFilter, p ppks.PageRequest) ([]*ppks.Transfer, error) {
	r.calls.called("Tx.ListTransfers")
	return r.tx.ListTransfers(ctx, f, p)
}

func (r *recordingTx) ListPending(ctx context.Context, f ppks.PendingFilter, p ppks.PageRequest) ([]*ppks.Intervention, error) {
	r.calls.called("Tx.ListPending")
	return r.tx.ListPending(ctx, f, p)
}

func (r *recordingTx) GetBeneficiaries(ctx context.Context, ids []string) ([]*ppks.Beneficiary, error) {
	r.calls.called("Tx.GetBeneficiaries")
	return r.tx.GetBeneficiaries(ctx, ids)
}

func (r *recordingTx) GetUser(ctx context.Context, username string) (*ppks.User, error) {
	r.calls.called("Tx.GetUser")
	return r.tx.GetUser(ctx, username)
}

func (r *recordingTx) ListUsers(ctx context.Context, p ppks.PageRequest) ([]*ppks.User, error) {
	r.calls.called("Tx.ListUsers")
	return r.tx.ListUsers(ctx, p)
}

func (r *recordingTx) CountAdmins(ctx context.Context) (int, error) {
	r.calls.called("Tx.CountAdmins")
	return r.tx.CountAdmins(ctx)
}

func (r *recordingTx) Authenticate(ctx context.Context, hash []byte) (*ppks.Token, *ppks.User, error) {
	r.calls.called("Tx.Authenticate")
	return r.tx.Authenticate(ctx, hash)
}

func (r *recordingTx) GetToken(ctx context.Context, username string, id string) (*ppks.Token, error) {
	r.calls.called("Tx.GetToken")
	return r.tx.GetToken(ctx, username, id)
}

func (r *recordingTx) ListTokens(ctx context.Context, username string, p ppks.PageRequest) ([]*ppks.Token, error) {
	r.calls.called("Tx.ListTokens")
	return r.tx.ListTokens(ctx, username, p)
}

func (r *recordingTx) ListAudit(ctx context.Context, f ppks.AuditFilter, p ppks.PageRequest) ([]*ppks.AuditEntry, error) {
	r.calls.called("Tx.ListAudit")
	return r.tx.ListAudit(ctx, f, p)
}

func (r *recordingTx) GetPassword(ctx context.Context, username string) (*ppks.Password, error) {
	r.calls.called("Tx.GetPassword")
	return r.tx.GetPassword(ctx, username)
}

func (r *recordingTx) SessionByHash(ctx context.Context, hash []byte) (*ppks.Session, *ppks.User, error) {
	r.calls.called("Tx.SessionByHash")
	return r.tx.SessionByHash(ctx, hash)
}

func (r *recordingTx) ListSessions(ctx context.Context, username string, seenSince time.Time) ([]*ppks.Session, error) {
	r.calls.called("Tx.ListSessions")
	return r.tx.ListSessions(ctx, username, seenSince)
}

func (r *recordingTx) IndicatorCounts(ctx context.Context, year int) (ppks.IndicatorCounts, error) {
	r.calls.called("Tx.IndicatorCounts")
	return r.tx.IndicatorCounts(ctx, year)
}

func (r *recordingTx) DetailedCounts(ctx context.Context, year int) (ppks.IndicatorCounts, error) {
	r.calls.called("Tx.DetailedCounts")
	return r.tx.DetailedCounts(ctx, year)
}

func (r *recordingTx) CountYears(ctx context.Context) ([]int, error) {
	r.calls.called("Tx.CountYears")
	return r.tx.CountYears(ctx)
}

func (r *recordingTx) CountFacts(ctx context.Context, year int) ([]ppks.CountFact, error) {
	r.calls.called("Tx.CountFacts")
	return r.tx.CountFacts(ctx, year)
}

func (r *recordingTx) ServiceFacts(ctx context.Context, year int) ([]ppks.ServiceFact, error) {
	r.calls.called("Tx.ServiceFacts")
	return r.tx.ServiceFacts(ctx, year)
}

func (r *recordingTx) CountPending(ctx context.Context, fromMonth string, toMonth string) ([]ppks.PendingCount, error) {
	r.calls.called("Tx.CountPending")
	return r.tx.CountPending(ctx, fromMonth, toMonth)
}

func (r *recordingTx) KecamatanFacts(ctx context.Context, year int, kecamatan string) ([]ppks.CountFact, error) {
	r.calls.called("Tx.KecamatanFacts")
	return r.tx.KecamatanFacts(ctx, year, kecamatan)
}

func (r *recordingTx) GetTarget(ctx context.Context, indicator string, year int) (*ppks.Target, error) {
	r.calls.called("Tx.GetTarget")
	return r.tx.GetTarget(ctx, indicator, year)
}

func (r *recordingTx) ListTargets(ctx context.Context, indicator string, p ppks.PageRequest) ([]*ppks.Target, error) {
	r.calls.called("Tx.ListTargets")
	return r.tx.ListTargets(ctx, indicator, p)
}

func (r *recordingTx) GetBudgetLine(ctx context.Context, year int, code string) (*ppks.BudgetLine, error) {
	r.calls.called("Tx.GetBudgetLine")
	return r.tx.GetBudgetLine(ctx, year, code)
}

func (r *recordingTx) ListBudgetLines(ctx context.Context, year int, p ppks.PageRequest) ([]*ppks.BudgetLine, error) {
	r.calls.called("Tx.ListBudgetLines")
	return r.tx.ListBudgetLines(ctx, year, p)
}

func (r *recordingTx) GetProgramIndicator(ctx context.Context, year int, id string) (*ppks.ProgramIndicator, error) {
	r.calls.called("Tx.GetProgramIndicator")
	return r.tx.GetProgramIndicator(ctx, year, id)
}

func (r *recordingTx) ListProgramIndicators(ctx context.Context, year int, p ppks.PageRequest) ([]*ppks.ProgramIndicator, error) {
	r.calls.called("Tx.ListProgramIndicators")
	return r.tx.ListProgramIndicators(ctx, year, p)
}

func (r *recordingTx) GetStrategicPlan(ctx context.Context, indicator string) (*ppks.StrategicPlan, error) {
	r.calls.called("Tx.GetStrategicPlan")
	return r.tx.GetStrategicPlan(ctx, indicator)
}

func (r *recordingTx) GetYearLock(ctx context.Context, year int) (*ppks.YearLock, error) {
	r.calls.called("Tx.GetYearLock")
	return r.tx.GetYearLock(ctx, year)
}

func (r *recordingTx) YearLocked(ctx context.Context, year int) (bool, error) {
	r.calls.called("Tx.YearLocked")
	return r.tx.YearLocked(ctx, year)
}

func (r *recordingTx) GetAmendment(ctx context.Context, year int, id string) (*ppks.Amendment, error) {
	r.calls.called("Tx.GetAmendment")
	return r.tx.GetAmendment(ctx, year, id)
}

func (r *recordingTx) ListAmendments(ctx context.Context, year int, p ppks.PageRequest) ([]*ppks.Amendment, error) {
	r.calls.called("Tx.ListAmendments")
	return r.tx.ListAmendments(ctx, year, p)
}

func (r *recordingTx) OpenAmendment(ctx context.Context, year int, t time.Time) (*ppks.Amendment, error) {
	r.calls.called("Tx.OpenAmendment")
	return r.tx.OpenAmendment(ctx, year, t)
}

func (r *recordingTx) ChangedInterventions(ctx context.Context, year int, since time.Time) ([]ppks.InterventionChange, error) {
	r.calls.called("Tx.ChangedInterventions")
	return r.tx.ChangedInterventions(ctx, year, since)
}

func (r *recordingTx) InsertBeneficiary(ctx context.Context, b *ppks.Beneficiary) error {
	r.calls.called("Tx.InsertBeneficiary")
	return r.tx.InsertBeneficiary(ctx, b)
}

func (r *recordingTx) UpdateBeneficiary(ctx context.Context, b *ppks.Beneficiary) error {
	r.calls.called("Tx.UpdateBeneficiary")
	return r.tx.UpdateBeneficiary(ctx, b)
}

func (r *recordingTx) InsertCase(ctx context.Context, c *ppks.Case) error {
	r.calls.called("Tx.InsertCase")
	return r.tx.InsertCase(ctx, c)
}

func (r *recordingTx) UpdateCase(ctx context.Context, c *ppks.Case) error {
	r.calls.called("Tx.UpdateCase")
	return r.tx.UpdateCase(ctx, c)
}

func (r *recordingTx) InsertIntervention(ctx context.Context, iv *ppks.Intervention) error {
	r.calls.called("Tx.InsertIntervention")
	return r.tx.InsertIntervention(ctx, iv)
}

func (r *recordingTx) UpdateIntervention(ctx context.Context, iv *ppks.Intervention) error {
	r.calls.called("Tx.UpdateIntervention")
	return r.tx.UpdateIntervention(ctx, iv)
}

func (r *recordingTx) MergeBeneficiaries(ctx context.Context, survivor *ppks.Beneficiary, duplicate *ppks.Beneficiary) error {
	r.calls.called("Tx.MergeBeneficiaries")
	return r.tx.MergeBeneficiaries(ctx, survivor, duplicate)
}

func (r *recordingTx) InsertTransfer(ctx context.Context, t *ppks.Transfer) error {
	r.calls.called("Tx.InsertTransfer")
	return r.tx.InsertTransfer(ctx, t)
}

func (r *recordingTx) UpdateTransfer(ctx context.Context, t *ppks.Transfer) error {
	r.calls.called("Tx.UpdateTransfer")
	return r.tx.UpdateTransfer(ctx, t)
}

func (r *recordingTx) InsertUser(ctx context.Context, u *ppks.User) error {
	r.calls.called("Tx.InsertUser")
	return r.tx.InsertUser(ctx, u)
}

func (r *recordingTx) UpdateUser(ctx context.Context, u *ppks.User) error {
	r.calls.called("Tx.UpdateUser")
	return r.tx.UpdateUser(ctx, u)
}

func (r *recordingTx) InsertToken(ctx context.Context, t *ppks.Token) error {
	r.calls.called("Tx.InsertToken")
	return r.tx.InsertToken(ctx, t)
}

func (r *recordingTx) UpdateToken(ctx context.Context, t *ppks.Token) error {
	r.calls.called("Tx.UpdateToken")
	return r.tx.UpdateToken(ctx, t)
}

func (r *recordingTx) PutPassword(ctx context.Context, pw *ppks.Password) error {
	r.calls.called("Tx.PutPassword")
	return r.tx.PutPassword(ctx, pw)
}

func (r *recordingTx) DeleteEndedSessions(ctx context.Context, username string, endedBefore, seenBefore time.Time) (int, error) {
	r.calls.called("Tx.DeleteEndedSessions")
	return r.tx.DeleteEndedSessions(ctx, username, endedBefore, seenBefore)
}

func (r *recordingTx) InsertSession(ctx context.Context, s *ppks.Session) error {
	r.calls.called("Tx.InsertSession")
	return r.tx.InsertSession(ctx, s)
}

func (r *recordingTx) TouchSession(ctx context.Context, id string, t time.Time) error {
	r.calls.called("Tx.TouchSession")
	return r.tx.TouchSession(ctx, id, t)
}

func (r *recordingTx) RevokeSession(ctx context.Context, username string, id string, t time.Time) error {
	r.calls.called("Tx.RevokeSession")
	return r.tx.RevokeSession(ctx, username, id, t)
}

func (r *recordingTx) RevokeSessions(ctx context.Context, username string, keep string, t time.Time) (int, error) {
	r.calls.called("Tx.RevokeSessions")
	return r.tx.RevokeSessions(ctx, username, keep, t)
}

func (r *recordingTx) PutTarget(ctx context.Context, t *ppks.Target) error {
	r.calls.called("Tx.PutTarget")
	return r.tx.PutTarget(ctx, t)
}

func (r *recordingTx) PutBudgetLine(ctx context.Context, l *ppks.BudgetLine) error {
	r.calls.called("Tx.PutBudgetLine")
	return r.tx.PutBudgetLine(ctx, l)
}

func (r *recordingTx) DeleteBudgetLine(ctx context.Context, year int, code string) error {
	r.calls.called("Tx.DeleteBudgetLine")
	return r.tx.DeleteBudgetLine(ctx, year, code)
}

func (r *recordingTx) PutProgramIndicator(ctx context.Context, p *ppks.ProgramIndicator) error {
	r.calls.called("Tx.PutProgramIndicator")
	return r.tx.PutProgramIndicator(ctx, p)
}

func (r *recordingTx) DeleteProgramIndicator(ctx context.Context, year int, id string) error {
	r.calls.called("Tx.DeleteProgramIndicator")
	return r.tx.DeleteProgramIndicator(ctx, year, id)
}

func (r *recordingTx) PutStrategicPlan(ctx context.Context, p *ppks.StrategicPlan) error {
	r.calls.called("Tx.PutStrategicPlan")
	return r.tx.PutStrategicPlan(ctx, p)
}

func (r *recordingTx) InsertYearLock(ctx context.Context, l *ppks.YearLock) error {
	r.calls.called("Tx.InsertYearLock")
	return r.tx.InsertYearLock(ctx, l)
}

func (r *recordingTx) InsertAmendment(ctx context.Context, a *ppks.Amendment) error {
	r.calls.called("Tx.InsertAmendment")
	return r.tx.InsertAmendment(ctx, a)
}

func (r *recordingTx) UpdateAmendment(ctx context.Context, a *ppks.Amendment) error {
	r.calls.called("Tx.UpdateAmendment")
	return r.tx.UpdateAmendment(ctx, a)
}

func (r *recorder) CountBeneficiaries(ctx context.Context, f ppks.BeneficiaryFilter) (int, error) {
	r.calls.called("Store.CountBeneficiaries")
	return r.s.CountBeneficiaries(ctx, f)
}

func (r *recorder) CountCases(ctx context.Context, f ppks.CaseFilter) (int, error) {
	r.calls.called("Store.CountCases")
	return r.s.CountCases(ctx, f)
}

func (r *recorder) CountInterventions(ctx context.Context, f ppks.InterventionFilter) (int, error) {
	r.calls.called("Store.CountInterventions")
	return r.s.CountInterventions(ctx, f)
}

func (r *recordingTx) CountBeneficiaries(ctx context.Context, f ppks.BeneficiaryFilter) (int, error) {
	r.calls.called("Tx.CountBeneficiaries")
	return r.tx.CountBeneficiaries(ctx, f)
}

func (r *recordingTx) CountCases(ctx context.Context, f ppks.CaseFilter) (int, error) {
	r.calls.called("Tx.CountCases")
	return r.tx.CountCases(ctx, f)
}

func (r *recordingTx) CountInterventions(ctx context.Context, f ppks.InterventionFilter) (int, error) {
	r.calls.called("Tx.CountInterventions")
	return r.tx.CountInterventions(ctx, f)
}
