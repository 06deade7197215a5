package ppks

import (
	"context"
	"strings"
)

// CreateCase opens a case for a person.
func (s *Service) CreateCase(ctx context.Context, key RequestKey, beneficiaryID, caseID string, c Case) (*Case, error) {
	p, err := readsPeople(ctx)
	if err != nil {
		return nil, err
	}
	key = NormalizeKey(key)
	today := s.today()
	var vs violations
	checkRequestID(&vs, key.ID, true)
	c.ID = s.newID(&vs, "case_id", strings.ToLower(caseID))
	if c.OpenedOn.IsZero() {
		c.OpenedOn = today
	}
	if err := vs.merge(c.validateNew(s.Catalog, today)); err != nil {
		return nil, err
	}
	if err := vs.err(); err != nil {
		return nil, err
	}
	if c.AssignedWorker == "" && p.Role == RoleWorker {
		c.AssignedWorker = p.Username
	}
	op := s.op(ctx, "CreateCase", key)
	op.Audit.Summary = "opened case: " + c.PpksType
	var created *Case
	replayed, err := s.write(ctx, op, func(ctx context.Context, tx Tx) error {
		b, err := tx.GetBeneficiary(ctx, beneficiaryID)
		if err != nil {
			return err
		}
		if !p.InScope(b.KecamatanCode) {
			return PermissionDenied()
		}
		c.BeneficiaryID, c.PersonKecamatan = b.ID, b.KecamatanCode
		c.State = CaseOpen
		c.Outcome = OutcomeNone
		c.CreateTime = s.now()
		c.UpdateTime = c.CreateTime
		c.Revision = 1
		op.Audit.Resource = c.Name()
		op.record(c.ID, c.Name(), createdFields(caseHistoryFields, c.fieldsOf()))
		if err := tx.InsertCase(ctx, &c); err != nil {
			return err
		}
		created = &c
		return nil
	})
	if err != nil {
		return nil, s.conflict(ctx, p, hidden(p, err))
	}
	if replayed != "" {
		if created, err = s.replayedCase(ctx, p, replayed); err != nil {
			return nil, err
		}
	}
	noteReplay(ctx, replayed)
	return created, nil
}

// GetCase returns a case.
func (s *Service) GetCase(ctx context.Context, beneficiaryID, caseID string) (*Case, error) {
	p, err := caller(ctx)
	if err != nil {
		return nil, err
	}
	if _, err := s.person(ctx, p, beneficiaryID); err != nil {
		return nil, err
	}
	c, err := s.Store.GetCase(ctx, beneficiaryID, caseID)
	if err != nil {
		return nil, hidden(p, err)
	}
	if err := s.auditRead(ctx, "GetCase", c.Name(), []string{c.Name()}); err != nil {
		return nil, err
	}
	return c, nil
}

var caseFilterFields = map[string]string{"state": "=", "ppks_type": "=", "kecamatan_code": "="}

// ParseCaseFilter turns a filter string into a typed filter.
func ParseCaseFilter(filter string) (CaseFilter, error) {
	conds, err := ParseFilter(filter)
	if err != nil {
		return CaseFilter{}, err
	}
	m, err := filterFields(conds, caseFilterFields)
	if err != nil {
		return CaseFilter{}, err
	}
	f := CaseFilter{PpksType: m["ppks_type"], KecamatanCode: m["kecamatan_code"]}
	switch m["state"] {
	case "":
	case "OPEN", "CASE_STATE_OPEN":
		f.State = CaseOpen
	case "CLOSED", "CASE_STATE_CLOSED":
		f.State = CaseClosed
	default:
		return CaseFilter{}, invalid("filter", "INVALID_FILTER", "filter: state is OPEN or CLOSED", "Filter tidak valid: state bernilai OPEN atau CLOSED.")
	}
	return f, nil
}

// ListCases lists the cases of a person, or of everyone when beneficiaryID is empty.
func (s *Service) ListCases(ctx context.Context, beneficiaryID string, size int32, token, filter string) ([]*Case, string, error) {
	p, err := readsPeople(ctx)
	if err != nil {
		return nil, "", err
	}
	f, ferr := ParseCaseFilter(filter)
	pageScope := "cases|" + beneficiaryID + "|" + filter
	pg, perr := page(size, token, pageScope)
	if err := joinInvalid(ferr, perr); err != nil {
		return nil, "", err
	}
	f.BeneficiaryID = beneficiaryID
	var none bool
	if f.Area, none, err = s.listArea(ctx, p, beneficiaryID); err != nil || none {
		return nil, "", err
	}
	list, next, err := listPage(pg, pageScope, func(pg PageRequest) ([]*Case, error) { return s.Store.ListCases(ctx, f, pg) },
		func(c *Case) string { return c.ID })
	if err != nil {
		return nil, "", err
	}
	if err := inArea(p, list, func(c *Case) string { return c.PersonKecamatan }); err != nil {
		return nil, "", err
	}
	if len(list) > 0 {
		if err := s.auditRead(ctx, "ListCases", "beneficiaries/-/cases", names(list)); err != nil {
			return nil, "", err
		}
	}
	return list, next, nil
}

// CloseCase closes an open case with an outcome.
func (s *Service) CloseCase(ctx context.Context, key RequestKey, beneficiaryID, caseID string, outcome Outcome, closedOn Date, note string) (*Case, error) {
	p, err := readsPeople(ctx)
	if err != nil {
		return nil, err
	}
	key = NormalizeKey(key)
	today := s.today()
	note = cleanLongText(note)
	var vs violations
	checkRequestID(&vs, key.ID, false)
	if outcome < OutcomeGraduated || outcome > OutcomeOther {
		vs.required("outcome")
	}
	if closedOn.IsZero() {
		closedOn = today
	}
	checkEventDate(&vs, "closed_on", closedOn, today)
	if outcome == OutcomeOther && note == "" {
		vs.add("note", "REQUIRED", "required when the outcome is OTHER", "Wajib diisi bila hasilnya OTHER (lainnya).")
	}
	checkLongText(&vs, "note", note, maxNoteLen)
	if err := vs.err(); err != nil {
		return nil, err
	}
	return s.changeCase(ctx, p, key, "CloseCase", beneficiaryID, caseID, func(_ context.Context, _ Tx, c *Case) error {
		if c.State != CaseOpen {
			return FailedPrecondition("CASE_CLOSED", "the case is already closed", "Kasus sudah ditutup.")
		}
		if closedOn.Compare(c.OpenedOn) < 0 {
			return invalid("closed_on", "BEFORE_OPENED", "cannot be before the case was opened", "Tidak boleh sebelum tanggal kasus dibuka.")
		}
		c.State, c.Outcome, c.ClosedOn, c.CloseNote = CaseClosed, outcome, closedOn, note
		return nil
	})
}

// listPage asks the store for one item more than the page holds, to know whether another
// page follows, and builds its token from the last item's key.
func listPage[T any](p PageRequest, scope string, list func(PageRequest) ([]T, error), key func(T) string) ([]T, string, error) {
	want := p.Limit
	p.Limit++
	items, err := list(p)
	if err != nil {
		return nil, "", err
	}
	if len(items) <= want {
		return items, "", nil
	}
	items = items[:want]
	return items, nextPageToken(true, key(items[want-1]), scope), nil
}
