package ppks

import (
	"context"
	"fmt"
	"slices"
	"strings"
)

// PendingFilter selects the interventions waiting for a supervisor's verification
// (pending, not voided). Empty fields select everything; From and To are months (Day
// zero): from the first day of From to the last day of To.
type PendingFilter struct {
	KecamatanCode    string // where delivered: the queue is a supervisor's, by place of service
	InterventionType string
	Worker           string // who recorded it
	From, To         Date
}

// PendingCount is how many interventions wait for verification with one kecamatan,
// intervention type and recording worker, over a range of months.
type PendingCount struct {
	KecamatanCode    string
	InterventionType string
	Worker           string
	N                int
}

// Queue is a page of the verification queue with its counts.
type Queue struct {
	Items  []*Intervention
	People map[string]*Beneficiary // the persons of the items, by id, as the caller may see them
	// Total is how many wait under the whole filter. Each facet counts, per value, what
	// waits under the other parts of the filter: the numbers beside each choice.
	Total         int
	ByKecamatan   []Count
	ByType        []Count
	ByWorker      []Count
	NextPageToken string
}

// monthKey renders a month as the store keeps it ("2024-12"); "" for the zero date.
func monthKey(d Date) string {
	if d.IsZero() {
		return ""
	}
	return fmt.Sprintf("%04d-%02d", d.Year, d.Month)
}

// check validates the filter's months.
func (f *PendingFilter) check() error {
	var vs violations
	for field, d := range map[string]Date{"from": f.From, "to": f.To} {
		if !d.IsZero() && (d.Year < minIndicatorYear || d.Year > maxIndicatorYear || d.Month < 1 || d.Month > 12) {
			vs.add(field, "INVALID_MONTH", "a month from 2000 to 2100", "Bulan tidak valid (tahun 2000 sampai 2100).")
		}
	}
	if !f.From.IsZero() && !f.To.IsZero() && f.To.Compare(f.From) < 0 {
		vs.add("to", "BEFORE_FROM", "must not be before the first month", "Tidak boleh sebelum bulan awal.")
	}
	f.From.Day, f.To.Day = 0, 0
	return vs.err()
}

// key is the filter as text, for page tokens.
func (f PendingFilter) key() string {
	return strings.Join([]string{f.KecamatanCode, f.InterventionType, f.Worker, monthKey(f.From), monthKey(f.To)}, "|")
}

// VerificationQueue lists what waits for verification, oldest delivery first, with the
// counts of the whole queue under the filter. Supervisors verify; the list is audited as
// a read of the records shown.
func (s *Service) VerificationQueue(ctx context.Context, f PendingFilter, size int32, token string) (*Queue, error) {
	p, err := requireRole(ctx, Supervisors...)
	if err != nil {
		return nil, err
	}
	ferr := f.check()
	scope := "pending|" + f.key()
	pg, perr := page(size, token, scope)
	if err := joinInvalid(ferr, perr); err != nil {
		return nil, err
	}
	counts, err := s.Store.CountPending(ctx, monthKey(f.From), monthKey(f.To))
	if err != nil {
		return nil, err
	}
	q := &Queue{People: map[string]*Beneficiary{}}
	q.Total, q.ByKecamatan, q.ByType, q.ByWorker = s.facets(counts, f)
	if q.Total == 0 {
		return q, nil // nothing to read: spares a scan of the queue for a filter that matches nothing
	}
	items, next, err := listPage(pg, scope, func(pg PageRequest) ([]*Intervention, error) { return s.Store.ListPending(ctx, f, pg) },
		func(iv *Intervention) string { return iv.DeliveredOn.String() + "|" + iv.ID })
	if err != nil {
		return nil, err
	}
	q.Items, q.NextPageToken = items, next
	records := names(items)
	ids := make([]string, 0, len(items))
	for _, iv := range items {
		ids = append(ids, iv.BeneficiaryID)
	}
	people, err := s.Store.GetBeneficiaries(ctx, slices.Compact(slices.Sorted(slices.Values(ids))))
	if err != nil {
		return nil, err
	}
	for _, b := range people {
		q.People[b.ID] = present(p, b)
		records = append(records, b.Name())
	}
	if len(items) > 0 {
		if err := s.auditRead(ctx, "VerificationQueue", "beneficiaries/-/cases/-/interventions", records); err != nil {
			return nil, err
		}
	}
	return q, nil
}

// facets sums the pending counts under the filter: the total, and per kecamatan, type
// and worker under the other parts of the filter.
func (s *Service) facets(counts []PendingCount, f PendingFilter) (int, []Count, []Count, []Count) {
	total := 0
	kec, typ, wrk := map[string]int{}, map[string]int{}, map[string]int{}
	for _, c := range counts {
		okK := f.KecamatanCode == "" || c.KecamatanCode == f.KecamatanCode
		okT := f.InterventionType == "" || c.InterventionType == f.InterventionType
		okW := f.Worker == "" || c.Worker == f.Worker
		if okK && okT && okW {
			total += c.N
		}
		if okT && okW {
			kec[c.KecamatanCode] += c.N
		}
		if okK && okW {
			typ[c.InterventionType] += c.N
		}
		if okK && okT {
			wrk[c.Worker] += c.N
		}
	}
	var byKec, byType, byWorker []Count
	for _, r := range s.Catalog.Kecamatan {
		if n := kec[r.Code]; n > 0 {
			byKec = append(byKec, Count{Key: r.Code, Name: r.Name, Persons: n})
		}
	}
	byKec = appendUnknown(byKec, kec)
	for _, t := range s.Catalog.InterventionTypes {
		if n := typ[t.Code]; n > 0 {
			byType = append(byType, Count{Key: t.Code, Name: t.Name, Persons: n})
		}
	}
	byType = appendUnknown(byType, typ)
	for w, n := range wrk {
		if n > 0 {
			byWorker = append(byWorker, Count{Key: w, Name: w, Persons: n})
		}
	}
	slices.SortFunc(byWorker, func(a, b Count) int { return strings.Compare(a.Key, b.Key) })
	return total, byKec, byType, byWorker
}

// PendingRecords counts the interventions delivered in the year that wait for
// verification (SUPERVISOR): the length of the queue, for the dashboard.
func (s *Service) PendingRecords(ctx context.Context, year int) (int, error) {
	if _, err := requireRole(ctx, Supervisors...); err != nil {
		return 0, err
	}
	if err := checkReportYear(year, "year"); err != nil {
		return 0, err
	}
	counts, err := s.Store.CountPending(ctx, monthKey(Date{Year: year, Month: 1}), monthKey(Date{Year: year, Month: 12}))
	if err != nil {
		return 0, err
	}
	n := 0
	for _, c := range counts {
		n += c.N
	}
	return n, nil
}
