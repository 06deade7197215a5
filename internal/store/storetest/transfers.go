package storetest

import (
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/opendinsos/ppks/internal/ppks"
)

// newTransfer returns the request build makes for the person b.
func newTransfer(b *ppks.Beneficiary, to string) *ppks.Transfer {
	return &ppks.Transfer{ID: newID(), NIK: b.NIK, ToKecamatan: to, Reason: "pindah ke rumah anaknya",
		State: ppks.TransferPending, BeneficiaryID: b.ID, FromKecamatan: b.KecamatanCode,
		RequestedBy: "petugas.b", CreateTime: baseTime}
}

func testTransfers(t *testing.T, f *fixture) {
	b := f.person(t, nil)
	// The build sees who holds the NIK, and nobody for an unknown one.
	var seen *ppks.Beneficiary
	refused := ppks.FailedPrecondition("NO", "no", "tidak")
	_, err := f.s.CreateTransfer(f.ctx, newOp("CreateTransfer", "x"), newNIK(), func(holder *ppks.Beneficiary, pending bool) (*ppks.Transfer, error) {
		seen = holder
		return nil, refused
	})
	wantErr(t, err, ppks.KindFailedPrecondition, "NO")
	if seen != nil {
		t.Errorf("an unknown NIK is held by %+v", seen)
	}

	want := newTransfer(b, kecB)
	op := newOp("CreateTransfer", "transfer of b")
	got, err := f.s.CreateTransfer(f.ctx, op, b.NIK, func(holder *ppks.Beneficiary, pending bool) (*ppks.Transfer, error) {
		if !cmp.Equal(b, holder) || pending {
			t.Errorf("build got %+v pending %v, want %+v and none pending", holder, pending, b)
		}
		c := *want
		return &c, nil
	})
	if err != nil || !cmp.Equal(want, got) {
		t.Fatalf("CreateTransfer = %+v, %v; want %+v", got, err, want)
	}
	if again, err := f.s.GetTransfer(f.ctx, want.ID); err != nil || !cmp.Equal(want, again) {
		t.Errorf("GetTransfer = %+v, %v", again, err)
	}
	// A replay answers the first request without building.
	if again, err := f.s.CreateTransfer(f.ctx, op, b.NIK, func(*ppks.Beneficiary, bool) (*ppks.Transfer, error) {
		t.Error("a replay built a request")
		return nil, refused
	}); err != nil || again.ID != want.ID {
		t.Errorf("replayed CreateTransfer = %+v, %v", again, err)
	}
	// The build is told of the pending request.
	_, err = f.s.CreateTransfer(f.ctx, newOp("CreateTransfer", "again"), b.NIK, func(_ *ppks.Beneficiary, pending bool) (*ppks.Transfer, error) {
		if !pending {
			t.Error("a second request does not see the pending one")
		}
		return nil, refused
	})
	wantErr(t, err, ppks.KindFailedPrecondition, "NO")

	// Lists by requester and state.
	other := f.person(t, func(p *ppks.Beneficiary) { p.KecamatanCode = kecC })
	second := newTransfer(other, kecB)
	second.RequestedBy = "petugas.c"
	if _, err := f.s.CreateTransfer(f.ctx, newOp("CreateTransfer", "second"), other.NIK, func(*ppks.Beneficiary, bool) (*ppks.Transfer, error) {
		c := *second
		return &c, nil
	}); err != nil {
		t.Fatal(err)
	}
	list := func(tf ppks.TransferFilter) []string {
		t.Helper()
		got, err := f.s.ListTransfers(f.ctx, tf, ppks.PageRequest{Limit: 10})
		if err != nil {
			t.Fatal(err)
		}
		ids := []string{}
		for _, x := range got {
			ids = append(ids, x.ID)
		}
		return ids
	}
	if got := list(ppks.TransferFilter{}); !cmp.Equal(got, sorted(want.ID, second.ID)) {
		t.Errorf("all transfers = %v", got)
	}
	if got := list(ppks.TransferFilter{RequestedBy: "petugas.c"}); !cmp.Equal(got, []string{second.ID}) {
		t.Errorf("transfers of petugas.c = %v", got)
	}
	pending := []string{want.ID, second.ID}
	for range 3 {
		more := newTransfer(f.person(t, nil), kecC)
		if _, err := f.s.CreateTransfer(f.ctx, newOp("CreateTransfer", more.ID), more.NIK, func(*ppks.Beneficiary, bool) (*ppks.Transfer, error) {
			return more, nil
		}); err != nil {
			t.Fatal(err)
		}
		pending = append(pending, more.ID)
	}
	checkPaging(t, "transfers", func(p ppks.PageRequest) ([]*ppks.Transfer, error) {
		return f.s.ListTransfers(f.ctx, ppks.TransferFilter{State: ppks.TransferPending}, p)
	}, func(x *ppks.Transfer) string { return x.ID }, sorted(pending...))

	// Deciding: the request and the person change together, the person's revision moves,
	// and the change is in the person's history.
	decided := baseTime.Add(3600e9)
	dop := newOp("ApproveTransfer", "approve")
	out, err := f.s.DecideTransfer(f.ctx, dop, want.ID, func(tr *ppks.Transfer, holder *ppks.Beneficiary) error {
		if !cmp.Equal(want, tr) || !cmp.Equal(b, holder) {
			t.Errorf("decide got %+v and %+v", tr, holder)
		}
		tr.State, tr.DecidedBy, tr.DecideTime = ppks.TransferApproved, "kabid", decided
		holder.KecamatanCode, holder.UpdateTime = kecB, decided
		dop.Audit.Changes = []*ppks.Change{{RecordID: holder.ID, Record: holder.Name(), Time: decided, Username: "kabid",
			Method: "ApproveTransfer", Fields: []ppks.FieldChange{{Field: "kecamatan_code", Old: kecA, New: kecB}}}}
		return nil
	})
	if err != nil || out.State != ppks.TransferApproved || out.DecidedBy != "kabid" || !out.DecideTime.Equal(decided) {
		t.Fatalf("DecideTransfer = %+v, %v", out, err)
	}
	moved, err := f.s.GetBeneficiary(f.ctx, b.ID)
	if err != nil || moved.KecamatanCode != kecB || moved.Revision != b.Revision+1 {
		t.Errorf("person after the transfer = %+v, %v; want in %s at revision %d", moved, err, kecB, b.Revision+1)
	}
	if h, err := f.s.ListChanges(f.ctx, b.ID, ppks.PageRequest{Limit: 10}); err != nil || len(h) == 0 ||
		h[len(h)-1].Method != "ApproveTransfer" {
		t.Errorf("history of the person = %+v, %v; want the transfer last", h, err)
	}
	// A refused decision changes neither.
	_, err = f.s.DecideTransfer(f.ctx, newOp("RejectTransfer", "r"), second.ID, func(tr *ppks.Transfer, holder *ppks.Beneficiary) error {
		tr.State = ppks.TransferRejected
		holder.KecamatanCode = kecA
		return refused
	})
	wantErr(t, err, ppks.KindFailedPrecondition, "NO")
	if again, _ := f.s.GetTransfer(f.ctx, second.ID); again.State != ppks.TransferPending {
		t.Errorf("a refused decision stored state %v", again.State)
	}
	if again, _ := f.s.GetBeneficiary(f.ctx, other.ID); again.KecamatanCode != kecC {
		t.Errorf("a refused decision moved the person to %s", again.KecamatanCode)
	}
	_, err = f.s.GetTransfer(f.ctx, newID())
	wantErr(t, err, ppks.KindNotFound, "")
}
