package ppks

import "time"

// Transfers. People move: a worker whose new person turns out to be on the register
// already, in another kecamatan, is told only that (never the record's name or area,
// conflict in access.go) and asks for the person to be moved to their kecamatan with a
// transfer request. A supervisor approves it, which moves the person with their history,
// or rejects it with a reason. Until it is approved the requester learns nothing more
// of the person; once approved the person is theirs to read.

// TransferState is where a transfer request stands.
type TransferState int

// Transfer states.
const (
	TransferPending TransferState = iota + 1
	TransferApproved
	TransferRejected
)

// Transfer is a request to move the person holding a NIK to a kecamatan.
type Transfer struct {
	ID            string
	NIK           string // as the requester sent it
	ToKecamatan   string
	Reason        string
	State         TransferState
	BeneficiaryID string // the person holding the NIK when the request was made
	FromKecamatan string // their kecamatan then
	RequestedBy   string
	DecidedBy     string
	DecisionNote  string // why it was rejected
	CreateTime    time.Time
	DecideTime    time.Time // zero while pending
}

// Name returns the resource name.
func (t *Transfer) Name() string { return "transfers/" + t.ID }

// TransferFilter selects transfer requests. Empty fields select everything.
type TransferFilter struct {
	BeneficiaryID string
	RequestedBy   string
	State         TransferState // zero: any
}

// presentTransfer returns what the caller may see of a request: the NIK masked as
// everywhere; for a requester who may not read the person yet (their request not
// approved), neither the person nor where they live.
func presentTransfer(p *Principal, t *Transfer) *Transfer {
	c := *t
	if !p.SeesFullNIK() {
		c.NIK = MaskNIK(t.NIK)
	}
	if p.Scoped() && (t.State != TransferApproved || !p.InScope(t.ToKecamatan)) {
		c.BeneficiaryID, c.FromKecamatan = "", ""
	}
	return &c
}
