package storetest

import (
	"context"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/opendinsos/ppks/internal/ppks"
)

// newTransfer returns the request build makes for the person b.
func newTransfer(b *ppks.Beneficiary, to string) *ppks.Transfer {
	return &ppks.Transfer{ID: newID(), NIK: b.NIK, ToKecamatan: to, Reason: "pindah ke rumah anaknya",
		State: ppks.TransferPending, BeneficiaryID: b.ID, FromKecamatan: b.KecamatanCode,
		RequestedBy: "petugas.b", CreateTime: baseTime}
}

// insertTransfer stores a request through one write.
func insertTransfer(f *fixture, op ppks.Op, tr *ppks.Transfer) (string, error) {
	c := *tr
	return f.w().write(op, tr.Name(), func(ctx context.Context, tx ppks.Tx) error { return tx.InsertTransfer(ctx, &c) })
}

func testTransfers(t *testing.T, f *fixture) {
	b := f.person(t, nil)
	want := newTransfer(b, kecB)
	op := newOp("CreateTransfer", "transfer of b")
	if _, err := insertTransfer(f, op, want); err != nil {
		t.Fatal(err)
	}
	if got, err := f.s.GetTransfer(f.ctx, want.ID); err != nil || !cmp.Equal(want, got) {
		t.Fatalf("GetTransfer = %+v, %v; want %+v", got, err, want)
	}
	// A replay writes nothing and names the first request.
	if name, err := insertTransfer(f, op, newTransfer(b, kecC)); err != nil || name != want.Name() {
		t.Errorf("replayed InsertTransfer = %q, %v", name, err)
	}
	// One pending request per person, whatever the caller checked.
	_, err := insertTransfer(f, newOp("CreateTransfer", "again"), newTransfer(b, kecC))
	wantErr(t, err, ppks.KindAlreadyExists, "TRANSFER_PENDING")
	_, err = insertTransfer(f, newOp("CreateTransfer", "same id"), want)
	wantErr(t, err, ppks.KindAlreadyExists, "")

	other := f.person(t, func(p *ppks.Beneficiary) { p.KecamatanCode = kecC })
	second := newTransfer(other, kecB)
	second.RequestedBy = "petugas.c"
	if _, err := insertTransfer(f, newOp("CreateTransfer", "second"), second); err != nil {
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
	if got := list(ppks.TransferFilter{BeneficiaryID: b.ID, State: ppks.TransferPending}); !cmp.Equal(got, []string{want.ID}) {
		t.Errorf("pending transfers of b = %v", got)
	}
	pending := []string{want.ID, second.ID}
	for range 3 {
		more := newTransfer(f.person(t, nil), kecC)
		if _, err := insertTransfer(f, newOp("CreateTransfer", more.ID), more); err != nil {
			t.Fatal(err)
		}
		pending = append(pending, more.ID)
	}
	checkPaging(t, "transfers", func(p ppks.PageRequest) ([]*ppks.Transfer, error) {
		return f.s.ListTransfers(f.ctx, ppks.TransferFilter{State: ppks.TransferPending}, p)
	}, func(x *ppks.Transfer) string { return x.ID }, sorted(pending...))

	// A decision and the person's move commit together.
	decided := baseTime.Add(time.Hour)
	if _, err := f.w().write(newOp("ApproveTransfer", "approve"), want.Name(), func(ctx context.Context, tx ppks.Tx) error {
		tr, err := tx.GetTransfer(ctx, want.ID)
		if err != nil {
			return err
		}
		holder, err := tx.GetBeneficiary(ctx, tr.BeneficiaryID)
		if err != nil {
			return err
		}
		tr.State, tr.DecidedBy, tr.DecideTime = ppks.TransferApproved, "kabid", decided
		holder.KecamatanCode, holder.UpdateTime = kecB, decided
		if err := tx.UpdateTransfer(ctx, tr); err != nil {
			return err
		}
		return tx.UpdateBeneficiary(ctx, holder)
	}); err != nil {
		t.Fatal(err)
	}
	if out, err := f.s.GetTransfer(f.ctx, want.ID); err != nil || out.State != ppks.TransferApproved || out.DecidedBy != "kabid" || !out.DecideTime.Equal(decided) {
		t.Fatalf("decided transfer = %+v, %v", out, err)
	}
	if moved, err := f.s.GetBeneficiary(f.ctx, b.ID); err != nil || moved.KecamatanCode != kecB || moved.Revision != b.Revision+1 {
		t.Errorf("person after the transfer = %+v, %v; want in %s at revision %d", moved, err, kecB, b.Revision+1)
	}
	// With the first decided, another request for the person may wait.
	if _, err := insertTransfer(f, newOp("CreateTransfer", "after"), newTransfer(b, kecC)); err != nil {
		t.Errorf("a request after the first was decided: %v", err)
	}
	// A refused decision changes neither.
	refused := ppks.FailedPrecondition("NO", "no", "tidak")
	_, err = f.w().write(newOp("RejectTransfer", "r"), second.Name(), func(ctx context.Context, tx ppks.Tx) error {
		tr, err := tx.GetTransfer(ctx, second.ID)
		if err != nil {
			return err
		}
		tr.State = ppks.TransferRejected
		if err := tx.UpdateTransfer(ctx, tr); err != nil {
			return err
		}
		return refused
	})
	wantErr(t, err, ppks.KindFailedPrecondition, "NO")
	if again, err := f.s.GetTransfer(f.ctx, second.ID); err != nil || again.State != ppks.TransferPending {
		t.Errorf("a refused decision: transfer %+v, %v; want it pending", again, err)
	}
	_, err = f.s.GetTransfer(f.ctx, newID())
	wantErr(t, err, ppks.KindNotFound, "")
}
