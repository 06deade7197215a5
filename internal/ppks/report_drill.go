package ppks

import (
	"context"
	"slices"
	"strconv"
	"strings"
)

// FigurePerson is one entry behind a figure: a person, or for figures counted in
// (type, person) pairs, one pair. Person fields are empty when the record is gone.
type FigurePerson struct {
	BeneficiaryID    string
	NIK              string
	FullName         string
	KecamatanCode    string
	InterventionType string
	FirstDelivered   Date
	PpksType         string
}

// figureEntry is an entry before the person is read.
type figureEntry struct {
	key  string
	fact CountFact
}

// ListFigurePersons lists the persons behind a figure of a year's report (drill-down),
// from the signed facts of a locked year unless view asks for the live ones. Only a
// supervisor may: it shows names and NIKs, and every page is audited as a read.
func (s *Service) ListFigurePersons(ctx context.Context, year int, figure string, view ReportView, size int32, token string) ([]FigurePerson, string, int, error) {
	p, err := requireRole(ctx, Supervisors...)
	if err != nil {
		return nil, "", 0, err
	}
	scope := "figurePersons|" + itoa(year) + "|" + figure + "|" + strconv.Itoa(int(view))
	pg, perr := page(size, token, scope)
	if err := joinInvalid(checkReportYear(year, "parent"), perr); err != nil {
		return nil, "", 0, err
	}
	r, _, err := s.GetReport(ctx, year, view)
	if err != nil {
		return nil, "", 0, err
	}
	entries, err := figureEntries(s.Catalog, r, figure)
	if err != nil {
		return nil, "", 0, err
	}
	start, _ := slices.BinarySearchFunc(entries, pg.After, func(e figureEntry, k string) int { return strings.Compare(e.key, k) })
	if pg.After != "" && start < len(entries) && entries[start].key == pg.After {
		start++
	}
	end := min(start+pg.Limit, len(entries))
	out := make([]FigurePerson, 0, end-start)
	var shown []string
	for _, e := range entries[start:end] {
		fp := FigurePerson{BeneficiaryID: e.fact.BeneficiaryID, InterventionType: e.fact.InterventionType,
			FirstDelivered: e.fact.FirstDelivered, PpksType: e.fact.PpksType}
		b, err := s.Store.GetBeneficiary(ctx, e.fact.BeneficiaryID)
		switch {
		case err == nil:
			b = present(p, b)
			fp.NIK, fp.FullName, fp.KecamatanCode = b.NIK, b.FullName, b.KecamatanCode
			shown = append(shown, b.Name())
		case KindOf(err) != KindNotFound:
			return nil, "", 0, err
		}
		out = append(out, fp)
	}
	if len(shown) > 0 {
		if err := s.auditRead(ctx, "ListFigurePersons", r.Name()+"/figurePersons/"+figure, shown); err != nil {
			return nil, "", 0, err
		}
	}
	next := ""
	if end < len(entries) && end > start {
		next = encodePageToken(entries[end-1].key, scope)
	}
	return out, next, len(entries), nil
}

// figureEntries returns the entries behind a figure, sorted by key.
func figureEntries(cat *Catalog, r *Report, figure string) ([]figureEntry, error) {
	bad := invalid("figure", "UNKNOWN_FIGURE", "not a figure of the report", "Bukan angka dari laporan ini.")
	units := countedUnits(cat, r.Year, r.Facts)
	pairs := func(keep func(CountFact) bool) []figureEntry {
		var out []figureEntry
		for _, f := range units {
			if keep(f) {
				out = append(out, figureEntry{key: f.InterventionType + "|" + f.BeneficiaryID, fact: f})
			}
		}
		return out
	}
	persons := func(served []ServiceFact, keep func(ServiceFact) bool) []figureEntry {
		seen := map[string]bool{}
		var out []figureEntry
		for _, f := range served {
			if keep(f) && !seen[f.BeneficiaryID] {
				seen[f.BeneficiaryID] = true
				out = append(out, figureEntry{key: f.BeneficiaryID, fact: CountFact{BeneficiaryID: f.BeneficiaryID, PpksType: f.PpksType}})
			}
		}
		return out
	}
	parts := strings.Split(figure, "/")
	var out []figureEntry
	switch {
	case figure == "realisasi":
		out = pairs(func(CountFact) bool { return true })
	case figure == "uniquePersons":
		seen := map[string]bool{}
		for _, e := range pairs(func(CountFact) bool { return true }) {
			if !seen[e.fact.BeneficiaryID] {
				seen[e.fact.BeneficiaryID] = true
				out = append(out, figureEntry{key: e.fact.BeneficiaryID, fact: e.fact})
			}
		}
	case len(parts) == 2 && parts[0] == "interventionTypes":
		if _, ok := cat.InterventionType(parts[1]); !ok {
			return nil, bad
		}
		for _, f := range r.Facts {
			if f.InterventionType == parts[1] {
				out = append(out, figureEntry{key: f.InterventionType + "|" + f.BeneficiaryID, fact: f})
			}
		}
	case len(parts) == 2 && parts[0] == "spmGroups":
		if !slices.ContainsFunc(r.Spm, func(g SpmService) bool { return g.Group == parts[1] }) {
			return nil, bad
		}
		out = persons(r.Served, func(f ServiceFact) bool {
			t, ok := cat.PpksType(f.PpksType)
			return ok && t.SpmGroup == parts[1]
		})
	case len(parts) == 2 && parts[0] == "programIndicators":
		i := slices.IndexFunc(r.Programs, func(p ProgramResult) bool { return p.ID == parts[1] })
		if i < 0 {
			return nil, bad
		}
		types := r.Programs[i].InterventionTypes
		out = persons(r.Served, func(f ServiceFact) bool { return slices.Contains(types, f.InterventionType) })
	case len(parts) == 2 && parts[0] == "kecamatan":
		out = pairs(func(f CountFact) bool { return f.KecamatanCode == parts[1] })
	case len(parts) == 4 && parts[0] == "kecamatan" && parts[2] == "interventionTypes":
		out = pairs(func(f CountFact) bool { return f.KecamatanCode == parts[1] && f.InterventionType == parts[3] })
	default:
		return nil, bad
	}
	slices.SortFunc(out, func(a, b figureEntry) int { return strings.Compare(a.key, b.key) })
	return out, nil
}

// ExportHeader is the header line of the interventions export.
var ExportHeader = []string{"name", "beneficiary", "nik", "full_name", "sex", "kecamatan_code", "ppks_type",
	"intervention_type", "delivered_on", "quantity", "unit", "state", "verification"}

// exportPage is how many interventions an export reads, audits and sends at a time.
const exportPage = 500

// ExportInterventions passes the interventions dated in the year to emit as CSV records,
// the header first, a page at a time, for a supervisor: rows are per person, and an
// administrator, who runs the system rather than the case work, gets none. Each page is
// audited as a read before it is sent, so nothing leaves unrecorded.
func (s *Service) ExportInterventions(ctx context.Context, year int, emit func(records [][]string) error) error {
	p, err := requireRole(ctx, Supervisors...)
	if err != nil {
		return err
	}
	if err := checkReportYear(year, "parent"); err != nil {
		return err
	}
	if err := emit([][]string{ExportHeader}); err != nil {
		return err
	}
	people := map[string]*Beneficiary{}
	pg := PageRequest{Limit: exportPage}
	for {
		list, err := s.Store.ListInterventions(ctx, InterventionFilter{Year: year, Area: p.Area()}, pg)
		if err != nil {
			return err
		}
		if err := inArea(p, list, func(iv *Intervention) string { return iv.PersonKecamatan }); err != nil {
			return err
		}
		if len(list) == 0 {
			return nil
		}
		if err := s.readPeople(ctx, list, people); err != nil {
			return err
		}
		records := make([][]string, 0, len(list))
		for _, iv := range list {
			records = append(records, exportRecord(p, iv, people[iv.BeneficiaryID]))
		}
		if err := s.auditRead(ctx, "ExportInterventions", ReportName(year)+"/interventions", names(list)); err != nil {
			return err
		}
		if err := emit(records); err != nil {
			return err
		}
		if len(list) < pg.Limit {
			return nil
		}
		pg.After = list[len(list)-1].ID
	}
}

// readPeople adds to people (by id) the persons of the interventions not in it yet: one
// read for the page, and one more only for an id that names a merged person (whose
// survivor comes back under its own id). Nobody is nil.
func (s *Service) readPeople(ctx context.Context, list []*Intervention, people map[string]*Beneficiary) error {
	var ids []string
	asked := map[string]bool{}
	for _, iv := range list {
		if _, ok := people[iv.BeneficiaryID]; !ok && !asked[iv.BeneficiaryID] {
			asked[iv.BeneficiaryID] = true
			ids = append(ids, iv.BeneficiaryID)
		}
	}
	if len(ids) == 0 {
		return nil
	}
	got, err := s.Store.GetBeneficiaries(ctx, ids)
	if err != nil {
		return err
	}
	for _, b := range got {
		people[b.ID] = b
	}
	for _, id := range ids {
		if _, ok := people[id]; ok {
			continue
		}
		b, err := s.Store.GetBeneficiary(ctx, id)
		if err != nil && KindOf(err) != KindNotFound {
			return err
		}
		people[id] = b
	}
	return nil
}

func exportRecord(p *Principal, iv *Intervention, b *Beneficiary) []string {
	var nik, name, sex string
	if b != nil {
		b = present(p, b)
		nik, sex = b.NIK, [...]string{"", "MALE", "FEMALE"}[min(int(b.Sex), 2)]
		if p.ReadsPeople() {
			name = b.FullName
		}
	}
	state := map[InterventionState]string{InterventionActive: "ACTIVE", InterventionVoided: "VOIDED"}[iv.State]
	verification := map[VerificationState]string{VerificationPending: "PENDING", VerificationVerified: "VERIFIED",
		VerificationRejected: "REJECTED"}[iv.Verification]
	return []string{iv.Name(), "beneficiaries/" + iv.BeneficiaryID, nik, name, sex, iv.KecamatanCode, iv.PpksType,
		iv.InterventionType, iv.DeliveredOn.String(), strconv.Itoa(iv.Quantity), iv.Unit, state, verification}
}
