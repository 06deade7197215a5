package storetest

import (
	"context"
	"errors"
	"strings"
	"time"

	"github.com/opendinsos/ppks/internal/ppks"
)

// The writes the suite makes, each one Store.Write of the shape the service uses: read
// through the Tx, let the test's function decide, store through the Tx. A replayed key
// answers with the resource its first run named, read afresh, as the service answers a
// retry. The helpers keep the suite's tests about the store, not about how to drive it.

// Writer drives the writes of a store as the service does: for this suite, and for a
// backend's own tests.
type Writer struct {
	S   ppks.Store
	Ctx context.Context
}

// w returns the fixture's Writer.
func (f *fixture) w() Writer { return Writer{S: f.s, Ctx: f.ctx} }

// write runs fn in one Store.Write of op, naming resource as what it writes.
func (w Writer) write(op ppks.Op, resource string, fn func(ctx context.Context, tx ppks.Tx) error) (string, error) {
	if op.Audit != nil && op.Audit.Resource == "" {
		op.Audit.Resource = resource
	}
	return w.S.Write(w.Ctx, op, fn)
}

// ids returns the ids of a resource name: "beneficiaries/b/cases/c" gives [b c].
func ids(name string) []string {
	parts := strings.Split(name, "/")
	var out []string
	for i := 1; i < len(parts); i += 2 {
		out = append(out, parts[i])
	}
	return out
}

var errNoResult = errors.New("storetest: the write's function returned nothing")

func (w Writer) CreateBeneficiary(op ppks.Op, b *ppks.Beneficiary) (*ppks.Beneficiary, error) {
	replayed, err := w.write(op, b.Name(), func(ctx context.Context, tx ppks.Tx) error { return tx.InsertBeneficiary(ctx, b) })
	if err != nil {
		return nil, err
	}
	if replayed != "" {
		return w.S.GetBeneficiary(w.Ctx, ids(replayed)[0])
	}
	return w.S.GetBeneficiary(w.Ctx, b.ID)
}

func (w Writer) UpdateBeneficiary(op ppks.Op, id string, update func(*ppks.Beneficiary) error) (*ppks.Beneficiary, error) {
	var name string
	replayed, err := w.write(op, "", func(ctx context.Context, tx ppks.Tx) error {
		b, err := tx.GetBeneficiary(ctx, id)
		if err != nil {
			return err
		}
		keep := *b
		if err := update(b); err != nil {
			return err
		}
		b.ID, b.Revision, b.MergedInto = keep.ID, keep.Revision, keep.MergedInto
		name = b.Name()
		setResource(op, name)
		return tx.UpdateBeneficiary(ctx, b)
	})
	return readBack(replayed, name, err, func(n string) (*ppks.Beneficiary, error) { return w.S.GetBeneficiary(w.Ctx, ids(n)[0]) })
}

func (w Writer) CreateCase(op ppks.Op, beneficiaryID string, build func(*ppks.Beneficiary) (*ppks.Case, error)) (*ppks.Case, error) {
	var name string
	replayed, err := w.write(op, "", func(ctx context.Context, tx ppks.Tx) error {
		b, err := tx.GetBeneficiary(ctx, beneficiaryID)
		if err != nil {
			return err
		}
		c, err := build(b)
		if err != nil {
			return err
		}
		if c == nil {
			return errNoResult
		}
		c.BeneficiaryID = b.ID
		name = c.Name()
		setResource(op, name)
		return tx.InsertCase(ctx, c)
	})
	return readBack(replayed, name, err, w.readCase())
}

func (w Writer) UpdateCase(op ppks.Op, beneficiaryID, caseID string, update func(*ppks.Case) error) (*ppks.Case, error) {
	var name string
	replayed, err := w.write(op, "", func(ctx context.Context, tx ppks.Tx) error {
		c, err := tx.GetCase(ctx, beneficiaryID, caseID)
		if err != nil {
			return err
		}
		keep := *c
		if err := update(c); err != nil {
			return err
		}
		c.ID, c.BeneficiaryID, c.Revision = keep.ID, keep.BeneficiaryID, keep.Revision
		name = c.Name()
		setResource(op, name)
		return tx.UpdateCase(ctx, c)
	})
	return readBack(replayed, name, err, w.readCase())
}

func (w Writer) CreateIntervention(op ppks.Op, beneficiaryID, caseID string,
	build func(*ppks.Beneficiary, *ppks.Case) (*ppks.Intervention, error)) (*ppks.Intervention, error) {
	var name string
	replayed, err := w.write(op, "", func(ctx context.Context, tx ppks.Tx) error {
		b, err := tx.GetBeneficiary(ctx, beneficiaryID)
		if err != nil {
			return err
		}
		c, err := tx.GetCase(ctx, b.ID, caseID)
		if err != nil {
			return err
		}
		before := *c
		iv, err := build(b, c)
		if err != nil {
			return err
		}
		if iv == nil {
			return errNoResult
		}
		iv.BeneficiaryID, iv.CaseID = b.ID, before.ID
		name = iv.Name()
		setResource(op, name)
		if err := tx.InsertIntervention(ctx, iv); err != nil {
			return err
		}
		if *c != before { // the build closed the case (a graduation)
			return tx.UpdateCase(ctx, c)
		}
		return nil
	})
	return readBack(replayed, name, err, w.readIntervention())
}

func (w Writer) UpdateIntervention(op ppks.Op, beneficiaryID, caseID, id string, update func(*ppks.Intervention) error) (*ppks.Intervention, error) {
	var name string
	replayed, err := w.write(op, "", func(ctx context.Context, tx ppks.Tx) error {
		iv, err := tx.GetIntervention(ctx, beneficiaryID, caseID, id)
		if err != nil {
			return err
		}
		keep := *iv
		if err := update(iv); err != nil {
			return err
		}
		iv.ID, iv.BeneficiaryID, iv.CaseID, iv.Revision = keep.ID, keep.BeneficiaryID, keep.CaseID, keep.Revision
		name = iv.Name()
		setResource(op, name)
		return tx.UpdateIntervention(ctx, iv)
	})
	return readBack(replayed, name, err, w.readIntervention())
}

// mergeBeneficiaries reads both people and the duplicate's records, lets merge decide
// the people's new fields (the Tx moves the records), and stores the merge.
func (w Writer) MergeBeneficiaries(op ppks.Op, survivorID, duplicateID string,
	merge func(sv, dup *ppks.Beneficiary, cases []*ppks.Case, ivs []*ppks.Intervention) error) (*ppks.Beneficiary, error) {
	var name string
	replayed, err := w.write(op, "", func(ctx context.Context, tx ppks.Tx) error {
		sv, err := tx.GetBeneficiary(ctx, survivorID)
		if err != nil {
			return err
		}
		dup, err := tx.GetBeneficiary(ctx, duplicateID)
		if err != nil {
			return err
		}
		cases, err := tx.ListCases(ctx, ppks.CaseFilter{BeneficiaryID: dup.ID}, ppks.PageRequest{Limit: ppks.MaxPageSize})
		if err != nil {
			return err
		}
		ivs, err := tx.ListInterventions(ctx, ppks.InterventionFilter{BeneficiaryID: dup.ID}, ppks.PageRequest{Limit: ppks.MaxPageSize})
		if err != nil {
			return err
		}
		if err := merge(sv, dup, cases, ivs); err != nil {
			return err
		}
		name = sv.Name()
		setResource(op, name)
		return tx.MergeBeneficiaries(ctx, sv, dup)
	})
	return readBack(replayed, name, err, func(n string) (*ppks.Beneficiary, error) { return w.S.GetBeneficiary(w.Ctx, ids(n)[0]) })
}

func (w Writer) UpsertTarget(op ppks.Op, indicator string, year int, update func(*ppks.Target, bool) error) (*ppks.Target, error) {
	name := (&ppks.Target{Indicator: indicator, Year: year}).Name()
	_, err := w.write(op, name, func(ctx context.Context, tx ppks.Tx) error {
		t, err := tx.GetTarget(ctx, indicator, year)
		exists := err == nil
		if ppks.KindOf(err) == ppks.KindNotFound {
			t = &ppks.Target{Indicator: indicator, Year: year}
		} else if err != nil {
			return err
		}
		if err := update(t, exists); err != nil {
			return err
		}
		t.Indicator, t.Year = indicator, year
		return tx.PutTarget(ctx, t)
	})
	if err != nil {
		return nil, err
	}
	return w.S.GetTarget(w.Ctx, indicator, year)
}

func (w Writer) CreateUser(op ppks.Op, u *ppks.User) (*ppks.User, error) {
	replayed, err := w.write(op, u.Name(), func(ctx context.Context, tx ppks.Tx) error { return tx.InsertUser(ctx, u) })
	return readBack(replayed, u.Name(), err, w.readUser())
}

func (w Writer) UpdateUser(op ppks.Op, username string, update func(*ppks.User) error) (*ppks.User, error) {
	name := (&ppks.User{Username: username}).Name()
	replayed, err := w.write(op, name, func(ctx context.Context, tx ppks.Tx) error {
		u, err := tx.GetUser(ctx, username)
		if err != nil {
			return err
		}
		keep := *u
		if err := update(u); err != nil {
			return err
		}
		u.Username, u.Revision = keep.Username, keep.Revision
		return tx.UpdateUser(ctx, u)
	})
	return readBack(replayed, name, err, w.readUser())
}

func (w Writer) CreateToken(op ppks.Op, t *ppks.Token) (*ppks.Token, error) {
	replayed, err := w.write(op, t.Name(), func(ctx context.Context, tx ppks.Tx) error {
		if _, err := tx.GetUser(ctx, t.Username); err != nil {
			return err
		}
		return tx.InsertToken(ctx, t)
	})
	return readBack(replayed, t.Name(), err, w.readToken())
}

func (w Writer) UpdateToken(op ppks.Op, username, id string, update func(*ppks.Token) error) (*ppks.Token, error) {
	name := (&ppks.Token{Username: username, ID: id}).Name()
	replayed, err := w.write(op, name, func(ctx context.Context, tx ppks.Tx) error {
		t, err := tx.GetToken(ctx, username, id)
		if err != nil {
			return err
		}
		if err := update(t); err != nil {
			return err
		}
		t.Username, t.ID = username, id
		return tx.UpdateToken(ctx, t)
	})
	return readBack(replayed, name, err, w.readToken())
}

func (w Writer) AppendAudit(e *ppks.AuditEntry) error {
	_, err := w.S.Write(w.Ctx, ppks.Op{Audit: e}, func(context.Context, ppks.Tx) error { return nil })
	return err
}

// setResource names what a write wrote, once its function knows it.
func setResource(op ppks.Op, name string) {
	if op.Audit != nil {
		op.Audit.Resource = name
	}
}

// readBack answers a write: the record it wrote (named name), or for a replay the one
// its first run named, read as it is now.
func readBack[T any](replayed, name string, err error, read func(string) (T, error)) (T, error) {
	var zero T
	if err != nil {
		return zero, err
	}
	if replayed != "" {
		name = replayed
	}
	return read(name)
}

func (w Writer) readCase() func(string) (*ppks.Case, error) {
	return func(n string) (*ppks.Case, error) { x := ids(n); return w.S.GetCase(w.Ctx, x[0], x[1]) }
}

func (w Writer) readIntervention() func(string) (*ppks.Intervention, error) {
	return func(n string) (*ppks.Intervention, error) {
		x := ids(n)
		return w.S.GetIntervention(w.Ctx, x[0], x[1], x[2])
	}
}

func (w Writer) readUser() func(string) (*ppks.User, error) {
	return func(n string) (*ppks.User, error) { return w.S.GetUser(w.Ctx, ids(n)[0]) }
}

func (w Writer) readToken() func(string) (*ppks.Token, error) {
	return func(n string) (*ppks.Token, error) { x := ids(n); return w.S.GetToken(w.Ctx, x[0], x[1]) }
}

// SetPassword stores a password and ends the user's sessions but keep, as the service
// does.
func (w Writer) SetPassword(op ppks.Op, pw *ppks.Password, keep string) error {
	_, err := w.write(op, "users/"+pw.Username, func(ctx context.Context, tx ppks.Tx) error {
		if err := tx.PutPassword(ctx, pw); err != nil {
			return err
		}
		_, err := tx.RevokeSessions(ctx, pw.Username, keep, pw.SetTime)
		return err
	})
	return err
}

// CreateSession stores a session and reads it back.
func (w Writer) CreateSession(op ppks.Op, s *ppks.Session) (*ppks.Session, error) {
	if _, err := w.write(op, s.Name(), func(ctx context.Context, tx ppks.Tx) error { return tx.InsertSession(ctx, s) }); err != nil {
		return nil, err
	}
	got, _, err := w.S.SessionByHash(w.Ctx, s.Hash)
	return got, err
}

// TouchSession records a request of a session, in a write of its own with no entry.
func (w Writer) TouchSession(id string, t time.Time) error {
	_, err := w.S.Write(w.Ctx, ppks.Op{}, func(ctx context.Context, tx ppks.Tx) error { return tx.TouchSession(ctx, id, t) })
	return err
}

// RevokeSession revokes one session of a user.
func (w Writer) RevokeSession(op ppks.Op, username, id string, t time.Time) error {
	_, err := w.write(op, (&ppks.Session{Username: username, ID: id}).Name(), func(ctx context.Context, tx ppks.Tx) error {
		return tx.RevokeSession(ctx, username, id, t)
	})
	return err
}

// DeleteEndedSessions deletes a user's sessions that ended before the cutoffs.
func (w Writer) DeleteEndedSessions(op ppks.Op, username string, endedBefore, seenBefore time.Time) (int, error) {
	var n int
	_, err := w.write(op, "users/"+username, func(ctx context.Context, tx ppks.Tx) (err error) {
		n, err = tx.DeleteEndedSessions(ctx, username, endedBefore, seenBefore)
		return err
	})
	return n, err
}

// RevokeSessions revokes every session of a user.
func (w Writer) RevokeSessions(op ppks.Op, username string, t time.Time) (int, error) {
	var n int
	_, err := w.write(op, "users/"+username, func(ctx context.Context, tx ppks.Tx) (err error) {
		n, err = tx.RevokeSessions(ctx, username, "", t)
		return err
	})
	return n, err
}
