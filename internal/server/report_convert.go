package server

import (
	"math/big"

	ppksv1 "github.com/opendinsos/ppks/gen/ppks/v1"
	"github.com/opendinsos/ppks/internal/ppks"
)

// percentage shows an exact percentage: rounded half up to two decimals, and exact.
func percentage(r *big.Rat) *ppksv1.Percentage {
	if r == nil {
		return nil
	}
	return &ppksv1.Percentage{Value: ppks.ShowPercent(r), Exact: r.RatString()}
}

// cellToProto shows a cell: never the count of a suppressed one.
func cellToProto(c ppks.Cell) *ppksv1.Cell {
	if c.Hidden {
		return &ppksv1.Cell{Suppressed: true}
	}
	n := int32(c.Value)
	return &ppksv1.Cell{Persons: &n}
}

func reportToProto(r *ppks.Report, lock *ppks.YearLock, signed bool) *ppksv1.Report {
	out := &ppksv1.Report{
		Name:        r.Name(),
		Year:        int32(r.Year),
		State:       ppksv1.ReportState_REPORT_STATE_LIVE,
		ComputeTime: timeToProto(r.ComputeTime),
		Definition:  definitionToProto(r.Definition),
		Performance: &ppksv1.PerformanceTable{
			Target: int32Ptr(r.Performance.Target), Realisasi: int32(r.Performance.Realisasi),
			UniquePersons: int32(r.Performance.UniquePersons), Achievement: percentage(r.Performance.Achievement),
			Rating: r.Performance.Rating, ByInterventionType: countsToProto(r.Performance.ByType, typeCount),
			OtherServices: countsToProto(r.Performance.OtherServices, typeCount),
		},
		History: historyToProto(r.History),
		Budget:  budgetToProto(r.Budget),
		KecamatanBreakdown: &ppksv1.KecamatanBreakdown{
			Threshold: int32(r.Breakdown.Threshold), Columns: countsToProto(r.Breakdown.Columns, typeCount),
			Total: cellToProto(r.Breakdown.Total),
		},
	}
	if signed {
		out.State = ppksv1.ReportState_REPORT_STATE_SIGNED
	}
	if lock != nil {
		out.LockTime, out.LockedBy, out.ContentHash = timeToProto(lock.LockTime), lock.Username, lock.Hash
	}
	for _, g := range r.Spm {
		out.SpmServices = append(out.SpmServices, &ppksv1.SpmService{SpmGroup: g.Group, DisplayName: g.Name, Persons: int32(g.Persons)})
	}
	for _, p := range r.Programs {
		out.ProgramIndicators = append(out.ProgramIndicators, &ppksv1.ProgramIndicatorResult{
			ProgramIndicator: r.Name() + "/programIndicators/" + p.ID, DisplayName: p.Name, ProgramCode: p.ProgramCode,
			ProgramDisplayName: p.ProgramName, PersonsReached: int32(p.Reached), Population: int32(p.Population),
			Target: percentage(p.Target), Realisasi: percentage(p.Realisasi), Achievement: percentage(p.Achievement),
		})
	}
	b := out.KecamatanBreakdown
	for _, row := range r.Breakdown.Rows {
		pr := &ppksv1.KecamatanRow{KecamatanCode: row.Code, DisplayName: row.Name, Total: cellToProto(row.Total)}
		for _, c := range row.Cells {
			pr.Cells = append(pr.Cells, cellToProto(c))
		}
		b.Rows = append(b.Rows, pr)
	}
	for _, c := range r.Breakdown.ColumnTotals {
		b.ColumnTotals = append(b.ColumnTotals, cellToProto(c))
	}
	return out
}

func definitionToProto(d ppks.ReportDefinition) *ppksv1.ReportDefinition {
	out := &ppksv1.ReportDefinition{
		Indicator: d.Indicator, IndicatorDisplayName: d.IndicatorName, StrategicObjective: d.StrategicObjective,
		Unit: d.Unit, LowerIsBetter: d.LowerIsBetter, CountedInterventionTypes: d.CountedTypes,
		SmallCellThreshold: int32(d.SmallCellThreshold), Rounding: d.Rounding,
	}
	for _, b := range d.Bands {
		out.RatingBands = append(out.RatingBands, &ppksv1.RatingBandDefinition{MinPercent: b.MinPercent, Label: b.Label})
	}
	return out
}

func historyToProto(h ppks.History) *ppksv1.HistoryTable {
	out := &ppksv1.HistoryTable{
		BaselineYear: int32(h.BaselineYear), Baseline: int32Ptr(h.Baseline), MediumTermTarget: int32Ptr(h.MediumTermTarget),
		MediumTermYear: int32(h.MediumTermYear), MediumTermAchievement: percentage(h.MediumTermAchievement),
	}
	for _, y := range h.Years {
		out.Years = append(out.Years, &ppksv1.HistoryYear{
			Year: int32(y.Year), Target: int32Ptr(y.Target), RenstraTarget: int32Ptr(y.Renstra),
			Realisasi: int32Ptr(y.Realisasi), Source: ppksv1.RealisasiSource(y.Source),
			Achievement: percentage(y.Achievement), RenstraAchievement: percentage(y.RenstraAchievement),
		})
	}
	return out
}

func budgetToProto(b ppks.BudgetTable) *ppksv1.BudgetTable {
	out := &ppksv1.BudgetTable{
		Pagu: b.Pagu, Realisasi: b.Realisasi, Achievement: percentage(b.Achievement),
		PerformanceAgreementPagu: b.PerformanceAgreementPagu, PerformanceAgreementRealisasi: b.PerformanceAgreementRealisasi, Efficiency: percentage(b.Efficiency),
	}
	for _, p := range b.Programs {
		pp := &ppksv1.BudgetProgram{ProgramCode: p.Code, DisplayName: p.Name, Pagu: p.Pagu, Realisasi: p.Realisasi,
			Achievement: percentage(p.Achievement), PerformanceAgreement: p.PerformanceAgreement}
		for _, l := range p.Lines {
			pp.Lines = append(pp.Lines, budgetLineToProto(&l))
		}
		out.Programs = append(out.Programs, pp)
	}
	return out
}

func budgetLineToProto(l *ppks.BudgetLine) *ppksv1.BudgetLine {
	return &ppksv1.BudgetLine{
		Name: l.Name(), ProgramCode: l.ProgramCode(), DisplayName: l.DisplayName, Pagu: l.Pagu, Realisasi: l.Realisasi,
		PerformanceAgreement: l.PerformanceAgreement, UpdateTime: timeToProto(l.UpdateTime),
	}
}

func programIndicatorToProto(p *ppks.ProgramIndicator) *ppksv1.ProgramIndicator {
	return &ppksv1.ProgramIndicator{
		Name: p.Name(), DisplayName: p.DisplayName, ProgramCode: p.ProgramCode, InterventionTypes: p.InterventionTypes,
		Population: int32(p.Population), TargetPercent: ppks.FormatPercent(p.TargetPercent), Position: int32(p.Position),
		UpdateTime: timeToProto(p.UpdateTime),
	}
}

func strategicPlanToProto(p *ppks.StrategicPlan) *ppksv1.StrategicPlan {
	return &ppksv1.StrategicPlan{
		Name: p.Name(), StartYear: int32(p.StartYear), EndYear: int32(p.EndYear), BaselineYear: int32(p.BaselineYear),
		Baseline: int32Ptr(p.Baseline), UpdateTime: timeToProto(p.UpdateTime),
	}
}

func amendmentToProto(a *ppks.Amendment, s *Server) *ppksv1.Amendment {
	return &ppksv1.Amendment{
		Name: a.Name(), Reason: a.Reason, State: ppksv1.AmendmentState(a.State(s.svc.Now())), OpenedBy: a.OpenedBy,
		CreateTime: timeToProto(a.CreateTime), ExpireTime: timeToProto(a.ExpireTime), CloseTime: timeToProto(a.CloseTime),
		ClosedBy: a.ClosedBy,
	}
}

func reportChangesToProto(c *ppks.ReportChanges, s *Server) *ppksv1.ReportChanges {
	out := &ppksv1.ReportChanges{
		Name: c.Name(), LockTime: timeToProto(c.Lock.LockTime), ContentHash: c.Lock.Hash,
		ComputeTime: timeToProto(c.ComputeTime), UnamendedChanges: int32(c.Unamended),
	}
	for _, f := range c.Figures {
		out.FigureChanges = append(out.FigureChanges, &ppksv1.FigureChange{Figure: f.Figure, SignedValue: f.Signed, CurrentValue: f.Current})
	}
	for _, a := range c.Amendments {
		out.Amendments = append(out.Amendments, &ppksv1.AmendmentChanges{Amendment: amendmentToProto(a.Amendment, s),
			InterventionsCreated: int32(a.Created), InterventionsUpdated: int32(a.Updated)})
	}
	return out
}

func reportView(v ppksv1.ReportView) ppks.ReportView {
	switch v {
	case ppksv1.ReportView_REPORT_VIEW_SIGNED:
		return ppks.ViewSigned
	case ppksv1.ReportView_REPORT_VIEW_LIVE:
		return ppks.ViewLive
	}
	return ppks.ViewDefault
}
