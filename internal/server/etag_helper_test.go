package server_test

import (
	"strings"

	ppksv1 "github.com/opendinsos/ppks/gen/ppks/v1"
)

// etagOf reads the current etag of a person, a case or an intervention (as the supervisor),
// for a correction, which must send it.
func (e *env) etagOf(name string) string {
	e.t.Helper()
	var (
		etag string
		err  error
	)
	switch strings.Count(name, "/") {
	case 1:
		var b *ppksv1.GetBeneficiaryResponse
		b, err = e.cases.GetBeneficiary(e.ctx, &ppksv1.GetBeneficiaryRequest{Name: name})
		etag = b.GetBeneficiary().GetEtag()
	case 3:
		var c *ppksv1.GetCaseResponse
		c, err = e.cases.GetCase(e.ctx, &ppksv1.GetCaseRequest{Name: name})
		etag = c.GetCase().GetEtag()
	default:
		var iv *ppksv1.GetInterventionResponse
		iv, err = e.cases.GetIntervention(e.ctx, &ppksv1.GetInterventionRequest{Name: name})
		etag = iv.GetIntervention().GetEtag()
	}
	if err != nil {
		e.t.Fatalf("read the etag of %s: %v", name, err)
	}
	return etag
}
