package ppks

import (
	"slices"
	"strings"
)

// A correction is made against a version of its record (its etag). Online, a stale
// version is refused (ABORTED, read it again). Offline work cannot read again: a
// correction made on a phone hours ago is checked field by field against the record as
// it is now, and applied only when that overwrites nothing anyone changed since.

// versionCheck decides, in the correction's transaction, whether the correction may
// apply to the record as it is now: current holds the record's fields (fieldsOf) before
// the correction, patched after it, etag is the record's current etag.
type versionCheck func(current, patched map[string]string, etag string) error

// exactVersion is the check of the update methods: the correction was made against the
// current version, or it is refused (AIP-154).
func exactVersion(sent string) versionCheck {
	return func(_, _ map[string]string, etag string) error { return checkEtag(sent, etag) }
}

// offlineVersion is the check of a correction made offline against the version sent,
// whose field values were base (nil when the client did not keep them). Unchanged since:
// it applies. Changed since: every field the correction sets to another value than the
// server's is compared with the base; when each of them still has its base value on the
// server (the change since was to other fields), the correction applies on top of it;
// otherwise, or without a base, it is a ConflictError listing those fields, and nothing
// is written. The caller sees the server's values as they may read them (NIK masked).
func offlineVersion(p *Principal, sent string, base map[string]string) versionCheck {
	return func(current, patched map[string]string, etag string) error {
		if sent == etag {
			return nil
		}
		var fields []FieldConflict
		conflict := false
		for _, f := range changedFields(current, patched) {
			server := current[f]
			if f == "nik" && !p.SeesFullNIK() {
				server = maskOrEmpty(server)
			}
			fc := FieldConflict{Field: f, Server: server, Client: patched[f]}
			if base != nil {
				fc.Base, fc.BaseKnown = base[f], true
			}
			if !fc.BaseKnown || fc.Base != server {
				conflict = true
			}
			fields = append(fields, fc)
		}
		if !conflict {
			return nil
		}
		return &ConflictError{Fields: fields}
	}
}

// changedFields lists the fields patched holds with another value than current, in the
// order of the record's history fields.
func changedFields(current, patched map[string]string) []string {
	var out []string
	for _, names := range [][]string{beneficiaryHistoryFields, caseHistoryFields, interventionHistoryFields} {
		for _, f := range names {
			if v, ok := patched[f]; ok && v != current[f] && !slices.Contains(out, f) {
				out = append(out, f)
			}
		}
	}
	return out
}

// ConflictError is a correction made offline against a version of a record that others
// changed since, in the same fields: nothing was written. It is KindAborted (Unwrap), as
// a stale etag is online.
type ConflictError struct {
	Fields []FieldConflict
	// The record as it is now (one is set), for the client to resolve against.
	Beneficiary  *Beneficiary
	Case         *Case
	Intervention *Intervention
}

func (e *ConflictError) Error() string {
	names := make([]string, len(e.Fields))
	for i, f := range e.Fields {
		names[i] = f.Field
	}
	return "the record changed since the correction's version, in: " + strings.Join(names, ", ")
}

// Unwrap gives the error's kind: ABORTED, reason CONFLICT.
func (e *ConflictError) Unwrap() error {
	return &Error{Kind: KindAborted, Reason: "CONFLICT",
		Message:   "the record changed since the version this correction was made against",
		Localized: "Data sudah diubah orang lain sejak koreksi ini dibuat; pilih nilai yang benar."}
}

// withRecord attaches the record as it is now to a conflict.
func withRecord(err error, attach func(*ConflictError)) error {
	if ce, ok := err.(*ConflictError); ok {
		attach(ce)
	}
	return err
}

// fieldsOrNil returns a base record's fields, nil without one.
func fieldsOrNil[R any, P interface {
	*R
	fieldsOf() map[string]string
}](r P) map[string]string {
	if r == nil {
		return nil
	}
	return r.fieldsOf()
}
