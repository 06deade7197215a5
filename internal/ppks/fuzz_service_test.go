package ppks_test

import (
	"context"
	"errors"
	"path/filepath"
	"testing"
	"time"
	_ "time/tzdata" // the office's time zone, on machines without zoneinfo

	"github.com/google/uuid"
	"github.com/opendinsos/ppks/internal/ppks"
	"github.com/opendinsos/ppks/internal/refdata"
	"github.com/opendinsos/ppks/internal/store/sqlite"
)

// fuzzService is the domain service over a real SQLite file, one per fuzzing process.
func fuzzService(f *testing.F) *ppks.Service {
	f.Helper()
	store, err := sqlite.Open(context.Background(), filepath.Join(f.TempDir(), "ppks.db"))
	if err != nil {
		f.Fatal(err)
	}
	f.Cleanup(func() { store.Close() })
	cat, bands, err := refdata.Load("")
	if err != nil {
		f.Fatal(err)
	}
	loc, err := time.LoadLocation("Asia/Makassar")
	if err != nil {
		f.Fatal(err)
	}
	def := ppks.DefaultIndicator()
	def.Bands = bands
	now := time.Date(2025, 6, 15, 10, 0, 0, 0, loc)
	return &ppks.Service{Store: store, Catalog: cat, Indicator: def, Location: loc,
		Now: func() time.Time { return now }, NewID: func() string { return uuid.Must(uuid.NewV7()).String() }}
}

// expectedKinds are the outcomes a create may have on bad or conflicting input; anything
// else (Internal above all) is a bug the fuzzer found.
var expectedKinds = map[ppks.Kind]bool{
	ppks.KindInvalid: true, ppks.KindNotFound: true, ppks.KindFailedPrecondition: true,
	ppks.KindAlreadyExists: true, ppks.KindPermissionDenied: true,
}

// FuzzCreateRequests sends arbitrary field values through the create paths of the
// domain service (person, case, intervention) against a real SQLite store, as the system
// and as a worker of one kecamatan: each call succeeds, or fails with an error of an
// expected kind; none panics, and what succeeded reads back.
func FuzzCreateRequests(f *testing.F) {
	svc := fuzzService(f)
	sys := ppks.WithPrincipal(context.Background(), ppks.SystemPrincipal)
	worker := ppks.WithPrincipal(context.Background(), &ppks.Principal{Username: "petugas", Role: ppks.RoleWorker, Kecamatan: []string{"73.06.08"}})
	// A person and an open case that always exist, for when the fuzzed person fails.
	base, err := svc.CreateBeneficiary(sys, ppks.RequestKey{ID: "0193a000-0000-7000-8000-00000000f001", Method: "CreateBeneficiary"}, "",
		ppks.Beneficiary{FullName: "Dasar", Sex: ppks.SexFemale, KecamatanCode: "73.06.08", BirthDate: ppks.Date{Year: 1950}})
	if err != nil {
		f.Fatal(err)
	}
	baseCase, err := svc.CreateCase(sys, ppks.RequestKey{ID: "0193a000-0000-7000-8000-00000000f002", Method: "CreateCase"}, base.ID, "",
		ppks.Case{PpksType: "LANSIA_TELANTAR", OpenedOn: ppks.Date{Year: 2024, Month: 1, Day: 2}})
	if err != nil {
		f.Fatal(err)
	}

	f.Add(false, "0193a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b", "", "7306084512850001", "Siti Aminah", uint8(2), 1985, 12, 5,
		"73.06.08", "Tombolo", "Jl. Poros Malino", "LANSIA_TELANTAR", 2024, 1, 2, "PERMAKANAN", 2024, 1, 5, 30, "porsi", "")
	f.Add(true, "0193A1B2-C3D4-7E5F-8A9B-0C1D2E3F4A5C", "0193a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5d", "", "Baso Dg. Sese", uint8(1), 1950, 0, 0,
		"73.06.01", "", "", "ANAK_TELANTAR", 2025, 6, 15, "ALAT_BANTU", 2025, 6, 16, 1, "unit", "di luar wilayah")
	f.Add(false, "not-a-uuid", "x/y", "730608451285000\u0661", "", uint8(9), -1, 13, 32,
		"99.99.99", "\x00", "\xff\xfe", "", 1999, 2, 30, "SANDANG", 10000, 0, 0, -5, "", "")
	f.Add(true, "", "", "7306080000000000", "\u202eNama", uint8(0), 2026, 1, 1,
		"73.06.08", "", "", "LANSIA_TELANTAR", 2024, 12, 31, "PERMAKANAN", 2025, 1, 1, 1000000, "porsi", "")
	f.Fuzz(func(t *testing.T, asWorker bool, requestID, id, nik, name string, sex uint8, by, bm, bd int,
		kec, desa, address, ppksType string, oy, om, od int, ivType string, dy, dm, dd, quantity int, unit, notes string) {
		ctx := sys
		if asWorker {
			ctx = worker
		}
		check := func(what string, err error) bool {
			t.Helper()
			if err == nil {
				return true
			}
			var e *ppks.Error
			if !errors.As(err, &e) || !expectedKinds[e.Kind] {
				t.Fatalf("%s: unexpected error (kind %d): %v", what, ppks.KindOf(err), err)
			}
			return false
		}
		person, caseOf := base, baseCase
		b, err := svc.CreateBeneficiary(ctx, ppks.RequestKey{ID: requestID, Method: "CreateBeneficiary", Fingerprint: name}, id,
			ppks.Beneficiary{NIK: nik, FullName: name, Sex: ppks.Sex(sex), BirthDate: ppks.Date{Year: by, Month: bm, Day: bd},
				KecamatanCode: kec, Desa: desa, Address: address})
		if check("CreateBeneficiary", err) {
			if _, err := svc.GetBeneficiary(ctx, b.ID); err != nil {
				t.Fatalf("created %s does not read back: %v", b.Name(), err)
			}
			person = b
		}
		c, err := svc.CreateCase(ctx, ppks.RequestKey{ID: requestID, Method: "CreateCase", Fingerprint: ppksType}, person.ID, id,
			ppks.Case{PpksType: ppksType, OpenedOn: ppks.Date{Year: oy, Month: om, Day: od}})
		if check("CreateCase", err) {
			if _, err := svc.GetCase(ctx, person.ID, c.ID); err != nil {
				t.Fatalf("created %s does not read back: %v", c.Name(), err)
			}
			caseOf = c
		}
		iv, err := svc.CreateIntervention(ctx, ppks.RequestKey{ID: requestID, Method: "CreateIntervention", Fingerprint: ivType}, caseOf.BeneficiaryID, caseOf.ID, id,
			ppks.Intervention{InterventionType: ivType, DeliveredOn: ppks.Date{Year: dy, Month: dm, Day: dd}, KecamatanCode: kec,
				Quantity: quantity, Unit: unit, Notes: notes})
		if check("CreateIntervention", err) {
			if _, err := svc.GetIntervention(ctx, iv.BeneficiaryID, iv.CaseID, iv.ID); err != nil {
				t.Fatalf("created %s does not read back: %v", iv.Name(), err)
			}
		}
	})
}
