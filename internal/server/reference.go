package server

import (
	"context"

	ppksv1 "github.com/opendinsos/ppks/gen/ppks/v1"
	"github.com/opendinsos/ppks/internal/ppks"
)

// referenceServer serves the catalog the service was started with.
type referenceServer struct {
	ppksv1.UnimplementedReferenceServiceServer
	*Server
}

func (s referenceServer) ListPpksTypes(context.Context, *ppksv1.ListPpksTypesRequest) (*ppksv1.ListPpksTypesResponse, error) {
	out := &ppksv1.ListPpksTypesResponse{}
	for _, t := range s.svc.Catalog.PpksTypes {
		out.PpksTypes = append(out.PpksTypes, &ppksv1.PpksType{
			Name: "ppksTypes/" + t.Code, Code: t.Code, Number: int32(t.Number),
			DisplayName: t.Name, Abbreviation: t.Abbreviation, SpmGroup: t.SpmGroup,
		})
	}
	return out, nil
}

func (s referenceServer) ListInterventionTypes(ctx context.Context, req *ppksv1.ListInterventionTypesRequest) (*ppksv1.ListInterventionTypesResponse, error) {
	year := int(req.GetYear())
	if year != 0 && (year < 2000 || year > 2100) {
		return nil, s.status(ctx, ppks.Invalid("year", "OUT_OF_RANGE", "year must be between 2000 and 2100", "Tahun harus antara 2000 dan 2100."))
	}
	if year == 0 {
		year = s.svc.Now().In(s.svc.Location).Year()
	}
	out := &ppksv1.ListInterventionTypesResponse{}
	for _, t := range s.svc.Catalog.InterventionTypes {
		out.InterventionTypes = append(out.InterventionTypes, &ppksv1.InterventionType{
			Name: "interventionTypes/" + t.Code, Code: t.Code, DisplayName: t.Name,
			ProgramCode: t.ProgramCode, SubKegiatanCode: t.SubKegiatanCode,
			CountedUnit:           ppksv1.CountedUnit(t.Unit),
			CountsTowardIndicator: s.svc.Catalog.Counts(year, t.Code),
			Year:                  int32(year),
		})
	}
	return out, nil
}

func (s referenceServer) ListRegions(context.Context, *ppksv1.ListRegionsRequest) (*ppksv1.ListRegionsResponse, error) {
	c := s.svc.Catalog
	out := &ppksv1.ListRegionsResponse{Regions: []*ppksv1.Region{regionToProto(c.Kabupaten)}}
	for _, r := range c.Kecamatan {
		out.Regions = append(out.Regions, regionToProto(r))
	}
	return out, nil
}

func regionToProto(r ppks.Region) *ppksv1.Region {
	return &ppksv1.Region{
		Name: "regions/" + r.Code, Code: r.Code, DisplayName: r.Name, Level: ppksv1.RegionLevel(r.Level),
		ParentCode: r.ParentCode, DesaCount: int32(r.DesaCount), KelurahanCount: int32(r.KelurahanCount),
	}
}
