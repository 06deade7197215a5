package ppks

import "strings"

// The counting rules of a pair (one person, one intervention type, one year), defined
// here once. The stores keep the maintained counts with them, in SQL for speed; where the
// SQL spells a rule, it names the function below, and the conformance suite checks every
// store's facts against these functions.

// FamilyKey is the family a person is counted in, for the types counted in families:
// their KK number, or the person alone when they have none.
func FamilyKey(beneficiaryID, kk string) string {
	if kk != "" {
		return kk
	}
	return "person:" + beneficiaryID
}

// FirstDelivery is the delivery a pair is counted at: among the pair's interventions
// that count (Intervention.Counts), the earliest by date, then by id; nil when none
// counts. Its kecamatan and its case's PPKS category are the pair's in the breakdowns.
func FirstDelivery(ivs []*Intervention) *Intervention {
	var first *Intervention
	for _, iv := range ivs {
		if !iv.Counts() {
			continue
		}
		if first == nil {
			first = iv
			continue
		}
		if c := iv.DeliveredOn.Compare(first.DeliveredOn); c < 0 || c == 0 && strings.Compare(iv.ID, first.ID) < 0 {
			first = iv
		}
	}
	return first
}
