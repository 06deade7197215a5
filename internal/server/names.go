package server

import (
	"strconv"
	"strings"

	"github.com/opendinsos/ppks/internal/ppks"
)

// wildcard stands for "any" in a parent's id segment (AIP-159).
const wildcard = "-"

// segments splits a resource name against a pattern of literal collection ids, returning
// the ids. Each id must be a UUID, or "-" where allowWild is true (returned as "").
func segments(name, field string, allowWild bool, collections ...string) ([]string, error) {
	return splitIDs(name, field, func(id string) (string, bool) {
		if id == wildcard && allowWild {
			return "", true
		}
		return id, ppks.IsUUID(id)
	}, collections)
}

// rawSegments splits a name against its collections without checking the ids beyond
// being non-empty (usernames and token ids have their own rules).
func rawSegments(name, field string, collections ...string) ([]string, error) {
	return splitIDs(name, field, func(id string) (string, bool) { return id, id != "" }, collections)
}

// splitIDs splits name against collections, passing each id through check, which
// returns the id to keep and whether it is acceptable.
func splitIDs(name, field string, check func(string) (string, bool), collections []string) ([]string, error) {
	if name == "" {
		return nil, ppks.Invalid(field, "REQUIRED", "required", "Wajib diisi.")
	}
	bad := ppks.Invalid(field, "INVALID_NAME", "expected "+pattern(collections), "Format nama sumber daya tidak valid.")
	parts := strings.Split(name, "/")
	if len(parts) != 2*len(collections) {
		return nil, bad
	}
	ids := make([]string, len(collections))
	for i, c := range collections {
		id, ok := check(parts[2*i+1])
		if parts[2*i] != c || !ok {
			return nil, bad
		}
		ids[i] = id
	}
	return ids, nil
}

func pattern(collections []string) string {
	var b strings.Builder
	for i, c := range collections {
		if i > 0 {
			b.WriteByte('/')
		}
		b.WriteString(c + "/{id}")
	}
	return b.String()
}

func beneficiaryID(name, field string) (string, error) {
	ids, err := segments(name, field, false, "beneficiaries")
	if err != nil {
		return "", err
	}
	return ids[0], nil
}

func caseIDs(name, field string, allowWild bool) (string, string, error) {
	ids, err := segments(name, field, allowWild, "beneficiaries", "cases")
	if err != nil {
		return "", "", err
	}
	return ids[0], ids[1], nil
}

func interventionIDs(name, field string) (string, string, string, error) {
	ids, err := segments(name, field, false, "beneficiaries", "cases", "interventions")
	if err != nil {
		return "", "", "", err
	}
	return ids[0], ids[1], ids[2], nil
}

// indicatorYear parses `indicators/{indicator}/{collection}/{year}`.
func indicatorYear(name, field, collection string) (string, int, error) {
	parts := strings.Split(name, "/")
	if name == "" {
		return "", 0, ppks.Invalid(field, "REQUIRED", "required", "Wajib diisi.")
	}
	bad := ppks.Invalid(field, "INVALID_NAME", "expected indicators/{indicator}/"+collection+"/{year}", "Format nama sumber daya tidak valid.")
	if len(parts) != 4 || parts[0] != "indicators" || parts[2] != collection || parts[1] == "" {
		return "", 0, bad
	}
	year, err := strconv.Atoi(parts[3])
	if err != nil || len(parts[3]) != 4 {
		return "", 0, bad
	}
	return parts[1], year, nil
}

// indicatorParent parses `indicators/{indicator}`.
func indicatorParent(name, field string) (string, error) {
	parts := strings.Split(name, "/")
	if len(parts) != 2 || parts[0] != "indicators" || parts[1] == "" {
		return "", ppks.Invalid(field, "INVALID_NAME", "expected indicators/{indicator}", "Format nama sumber daya tidak valid.")
	}
	return parts[1], nil
}

func splitSlash(name string) []string { return strings.Split(name, "/") }
