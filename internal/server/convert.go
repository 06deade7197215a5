package server

import (
	"strconv"
	"time"

	ppksv1 "github.com/opendinsos/ppks/gen/ppks/v1"
	"github.com/opendinsos/ppks/internal/ppks"
	"google.golang.org/genproto/googleapis/type/date"
	"google.golang.org/protobuf/types/known/timestamppb"
)

func dateFromProto(d *date.Date) ppks.Date {
	if d == nil {
		return ppks.Date{}
	}
	return ppks.Date{Year: int(d.Year), Month: int(d.Month), Day: int(d.Day)}
}

func dateToProto(d ppks.Date) *date.Date {
	if d.IsZero() {
		return nil
	}
	return &date.Date{Year: int32(d.Year), Month: int32(d.Month), Day: int32(d.Day)}
}

func timeToProto(t time.Time) *timestamppb.Timestamp {
	if t.IsZero() {
		return nil
	}
	return timestamppb.New(t)
}

func beneficiaryFromProto(p *ppksv1.Beneficiary) ppks.Beneficiary {
	return ppks.Beneficiary{
		NIK:           p.GetNik(),
		FullName:      p.GetFullName(),
		Sex:           ppks.Sex(p.GetSex()),
		BirthDate:     dateFromProto(p.GetBirthDate()),
		KecamatanCode: p.GetKecamatanCode(),
		Desa:          p.GetDesa(),
		Address:       p.GetAddress(),
		KK:            p.GetKkNumber(),
	}
}

func beneficiaryToProto(b *ppks.Beneficiary) *ppksv1.Beneficiary {
	return &ppksv1.Beneficiary{
		Name:          b.Name(),
		Nik:           b.NIK,
		FullName:      b.FullName,
		Sex:           ppksv1.Sex(b.Sex),
		BirthDate:     dateToProto(b.BirthDate),
		KecamatanCode: b.KecamatanCode,
		Desa:          b.Desa,
		Address:       b.Address,
		CreateTime:    timeToProto(b.CreateTime),
		UpdateTime:    timeToProto(b.UpdateTime),
		Etag:          b.Etag(),
		KkNumber:      b.KK,
		Warnings:      warningsToProto(b.Warnings()),
	}
}

func warningsToProto(ws []ppks.Warning) []*ppksv1.Warning {
	var out []*ppksv1.Warning
	for _, w := range ws {
		out = append(out, &ppksv1.Warning{Field: w.Field, Reason: w.Reason, Message: w.Localized})
	}
	return out
}

func caseFromProto(p *ppksv1.Case) ppks.Case {
	return ppks.Case{
		PpksType:       p.GetPpksType(),
		OpenedOn:       dateFromProto(p.GetOpenedOn()),
		AssignedWorker: p.GetAssignedWorker(),
	}
}

func caseToProto(c *ppks.Case) *ppksv1.Case {
	return &ppksv1.Case{
		Name:           c.Name(),
		PpksType:       c.PpksType,
		OpenedOn:       dateToProto(c.OpenedOn),
		State:          ppksv1.CaseState(c.State),
		Outcome:        ppksv1.CaseOutcome(c.Outcome),
		ClosedOn:       dateToProto(c.ClosedOn),
		CloseNote:      c.CloseNote,
		AssignedWorker: c.AssignedWorker,
		CreateTime:     timeToProto(c.CreateTime),
		UpdateTime:     timeToProto(c.UpdateTime),
		Etag:           c.Etag(),
	}
}

func interventionFromProto(p *ppksv1.Intervention) ppks.Intervention {
	return ppks.Intervention{
		InterventionType: p.GetInterventionType(),
		DeliveredOn:      dateFromProto(p.GetDeliveredOn()),
		KecamatanCode:    p.GetKecamatanCode(),
		Quantity:         int(p.GetQuantity()),
		Unit:             p.GetUnit(),
		Notes:            p.GetNotes(),
	}
}

func interventionToProto(iv *ppks.Intervention) *ppksv1.Intervention {
	return &ppksv1.Intervention{
		Name:             iv.Name(),
		InterventionType: iv.InterventionType,
		DeliveredOn:      dateToProto(iv.DeliveredOn),
		KecamatanCode:    iv.KecamatanCode,
		Worker:           iv.Worker,
		Quantity:         int32(iv.Quantity),
		Unit:             iv.Unit,
		Notes:            iv.Notes,
		State:            ppksv1.InterventionState(iv.State),
		VoidReason:       iv.VoidReason,
		VoidTime:         timeToProto(iv.VoidTime),
		CreateTime:       timeToProto(iv.CreateTime),
		PpksType:         iv.PpksType,
		Verification:     ppksv1.VerificationState(iv.Verification),
		VerifiedBy:       iv.VerifiedBy,
		VerifyTime:       timeToProto(iv.VerifyTime),
		RejectReason:     iv.RejectReason,
		UpdateTime:       timeToProto(iv.UpdateTime),
		Etag:             iv.Etag(),
	}
}

func intPtr(p *int32) *int {
	if p == nil {
		return nil
	}
	v := int(*p)
	return &v
}

func int32Ptr(p *int) *int32 {
	if p == nil {
		return nil
	}
	v := int32(*p)
	return &v
}

func targetToProto(t *ppks.Target) *ppksv1.Target {
	return &ppksv1.Target{
		Name:            t.Name(),
		Year:            int32(t.Year),
		Value:           int32Ptr(t.Value),
		RenstraValue:    int32Ptr(t.Renstra),
		HistoricalValue: int32Ptr(t.Historical),
		UpdateTime:      timeToProto(t.UpdateTime),
	}
}

func countsToProto[T any](list []ppks.Count, f func(ppks.Count) T) []T {
	out := make([]T, 0, len(list))
	for _, c := range list {
		out = append(out, f(c))
	}
	return out
}

func typeCount(c ppks.Count) *ppksv1.InterventionTypeCount {
	return &ppksv1.InterventionTypeCount{InterventionType: c.Key, DisplayName: c.Name, Persons: int32(c.Persons),
		Counted: c.Counted, CountedUnit: ppksv1.CountedUnit(c.Unit)}
}

func indicatorYearToProto(y *ppks.IndicatorYear) *ppksv1.IndicatorYear {
	out := &ppksv1.IndicatorYear{
		Name:                "indicators/" + y.Definition.ID + "/years/" + strconv.Itoa(y.Year),
		DisplayName:         y.Definition.Name,
		Year:                int32(y.Year),
		Total:               int32(y.Total),
		UniquePersons:       int32(y.UniquePersons),
		TotalVerified:       int32(y.TotalVerified),
		PendingVerification: int32(y.PendingVerification),
		Target:              int32Ptr(y.Target),
		RenstraTarget:       int32Ptr(y.Renstra),
		Rating:              y.Rating,
		LowerIsBetter:       y.Definition.LowerIsBetter,
		ComputeTime:         timeToProto(y.ComputeTime),
		ByInterventionType:  countsToProto(y.ByType, typeCount),
		OtherServices:       countsToProto(y.OtherServices, typeCount),
		ByPpksType: countsToProto(y.ByPpksType, func(c ppks.Count) *ppksv1.PpksTypeCount {
			return &ppksv1.PpksTypeCount{PpksType: c.Key, DisplayName: c.Name, Persons: int32(c.Persons)}
		}),
		ByKecamatan: countsToProto(y.ByKecamatan, func(c ppks.Count) *ppksv1.KecamatanCount {
			return &ppksv1.KecamatanCount{KecamatanCode: c.Key, DisplayName: c.Name, Persons: int32(c.Persons)}
		}),
		ByMonth: countsToProto(y.ByMonth, func(c ppks.Count) *ppksv1.MonthCount {
			m, _ := strconv.Atoi(c.Key)
			return &ppksv1.MonthCount{Month: int32(m), Persons: int32(c.Persons)}
		}),
	}
	if y.Achievement != nil {
		f, _ := ppks.RoundHalfUp(y.Achievement, 2).Float64()
		out.AchievementPercent = &f
	}
	return out
}
