package main

import (
	"math/big"
	"strings"

	ppksv1 "github.com/opendinsos/ppks/gen/ppks/v1"
	"github.com/opendinsos/ppks/internal/lkjip"
	"github.com/opendinsos/ppks/internal/ppks"
)

// The report arrives over gRPC; the LKjIP layout (internal/lkjip) is written against the
// domain's report, which the web application holds directly. These functions take the
// proto back to the domain's types: only what the tables show.

func reportFromProto(r *ppksv1.Report) (*ppks.Report, lkjip.Status) {
	d, p, h, b := r.GetDefinition(), r.GetPerformance(), r.GetHistory(), r.GetBudget()
	out := &ppks.Report{
		Year: int(r.GetYear()),
		Definition: ppks.ReportDefinition{
			Indicator: d.GetIndicator(), IndicatorName: d.GetIndicatorDisplayName(), StrategicObjective: d.GetStrategicObjective(),
			Unit: d.GetUnit(), LowerIsBetter: d.GetLowerIsBetter(), SmallCellThreshold: int(d.GetSmallCellThreshold()),
		},
		Performance: ppks.Performance{
			Target: intPtr(p.Target), Realisasi: int(p.GetRealisasi()), UniquePersons: int(p.GetUniquePersons()),
			Achievement: rat(p.GetAchievement()), Rating: p.GetRating(), ByType: counts(p.GetByInterventionType()),
			OtherServices: counts(p.GetOtherServices()),
		},
		History: ppks.History{
			BaselineYear: int(h.GetBaselineYear()), Baseline: intPtr(h.Baseline), MediumTermYear: int(h.GetMediumTermYear()),
			MediumTermTarget: intPtr(h.MediumTermTarget), MediumTermAchievement: rat(h.GetMediumTermAchievement()),
		},
		Budget: ppks.BudgetTable{
			Pagu: b.GetPagu(), Realisasi: b.GetRealisasi(), Achievement: rat(b.GetAchievement()),
			PerformanceAgreementPagu: b.GetPerformanceAgreementPagu(), PerformanceAgreementRealisasi: b.GetPerformanceAgreementRealisasi(), Efficiency: rat(b.GetEfficiency()),
		},
	}
	for _, y := range h.GetYears() {
		out.History.Years = append(out.History.Years, ppks.HistoryYear{
			Year: int(y.GetYear()), Target: intPtr(y.Target), Renstra: intPtr(y.RenstraTarget), Realisasi: intPtr(y.Realisasi),
			Source: ppks.RealisasiSource(y.GetSource()), Achievement: rat(y.GetAchievement()), RenstraAchievement: rat(y.GetRenstraAchievement()),
		})
	}
	for _, g := range r.GetSpmServices() {
		out.Spm = append(out.Spm, ppks.SpmService{Group: g.GetSpmGroup(), Name: g.GetDisplayName(), Persons: int(g.GetPersons())})
	}
	for _, pi := range r.GetProgramIndicators() {
		out.Programs = append(out.Programs, ppks.ProgramResult{
			ID: lastSegment(pi.GetProgramIndicator()), Name: pi.GetDisplayName(), ProgramCode: pi.GetProgramCode(),
			ProgramName: pi.GetProgramDisplayName(), Reached: int(pi.GetPersonsReached()), Population: int(pi.GetPopulation()),
			Target: rat(pi.GetTarget()), Realisasi: rat(pi.GetRealisasi()), Achievement: rat(pi.GetAchievement()),
		})
	}
	for _, prog := range b.GetPrograms() {
		bp := ppks.BudgetProgram{Code: prog.GetProgramCode(), Name: prog.GetDisplayName(), Pagu: prog.GetPagu(),
			Realisasi: prog.GetRealisasi(), Achievement: rat(prog.GetAchievement()), PerformanceAgreement: prog.GetPerformanceAgreement()}
		for _, l := range prog.GetLines() {
			bp.Lines = append(bp.Lines, ppks.BudgetLine{Year: out.Year, Code: lastSegment(l.GetName()), DisplayName: l.GetDisplayName(),
				Pagu: l.GetPagu(), Realisasi: l.GetRealisasi(), PerformanceAgreement: l.GetPerformanceAgreement()})
		}
		out.Budget.Programs = append(out.Budget.Programs, bp)
	}
	bd := r.GetKecamatanBreakdown()
	out.Breakdown = ppks.Breakdown{Threshold: int(bd.GetThreshold()), Columns: counts(bd.GetColumns()), Total: cell(bd.GetTotal())}
	for _, row := range bd.GetRows() {
		br := ppks.BreakdownRow{Code: row.GetKecamatanCode(), Name: row.GetDisplayName(), Total: cell(row.GetTotal())}
		for _, c := range row.GetCells() {
			br.Cells = append(br.Cells, cell(c))
		}
		out.Breakdown.Rows = append(out.Breakdown.Rows, br)
	}
	for _, c := range bd.GetColumnTotals() {
		out.Breakdown.ColumnTotals = append(out.Breakdown.ColumnTotals, cell(c))
	}
	st := lkjip.Status{Signed: r.GetState() == ppksv1.ReportState_REPORT_STATE_SIGNED, LockedBy: r.GetLockedBy(), ContentHash: r.GetContentHash()}
	return out, st
}

func intPtr(n *int32) *int {
	if n == nil {
		return nil
	}
	v := int(*n)
	return &v
}

// rat reads a percentage back exactly; a server that sent no exact value gives the
// rounded one.
func rat(p *ppksv1.Percentage) *big.Rat {
	if p == nil {
		return nil
	}
	if r, ok := new(big.Rat).SetString(p.GetExact()); ok {
		return r
	}
	r, _ := new(big.Rat).SetString(big.NewFloat(p.GetValue()).Text('f', 2))
	return r
}

func counts(list []*ppksv1.InterventionTypeCount) []ppks.Count {
	out := make([]ppks.Count, 0, len(list))
	for _, c := range list {
		out = append(out, ppks.Count{Key: c.GetInterventionType(), Name: c.GetDisplayName(), Persons: int(c.GetPersons()),
			Counted: c.GetCounted(), Unit: ppks.CountedUnit(c.GetCountedUnit())})
	}
	return out
}

// cell reads a published count; a suppressed one has no value to read.
func cell(c *ppksv1.Cell) ppks.Cell {
	return ppks.Cell{Value: int(c.GetPersons()), Hidden: c.GetSuppressed()}
}

func lastSegment(name string) string { return name[strings.LastIndex(name, "/")+1:] }
