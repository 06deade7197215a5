package server

import (
	"strconv"
	"strings"

	"github.com/opendinsos/ppks/internal/ppks"
)

// reportName parses `reports/{year}` followed by the given collections and ids (e.g.
// "budgetLines"), returning the year and the ids.
func reportName(name, field string, collections ...string) (int, []string, error) {
	if name == "" {
		return 0, nil, ppks.Invalid(field, "REQUIRED", "required", "Wajib diisi.")
	}
	parts := strings.Split(name, "/")
	want := "reports/{year}"
	if len(collections) > 0 {
		want += "/" + pattern(collections)
	}
	bad := ppks.Invalid(field, "INVALID_NAME", "expected "+want, "Format nama sumber daya tidak valid.")
	if len(parts) != 2+2*len(collections) || parts[0] != "reports" || len(parts[1]) != 4 {
		return 0, nil, bad
	}
	year, err := strconv.Atoi(parts[1])
	if err != nil {
		return 0, nil, bad
	}
	ids := make([]string, len(collections))
	for i, c := range collections {
		if parts[2+2*i] != c || parts[3+2*i] == "" {
			return 0, nil, bad
		}
		ids[i] = parts[3+2*i]
	}
	return year, ids, nil
}

// reportChangesName parses `reports/{year}/changes`.
func reportChangesName(name, field string) (int, error) {
	if !strings.HasSuffix(name, "/changes") {
		return 0, ppks.Invalid(field, "INVALID_NAME", "expected reports/{year}/changes", "Format nama sumber daya tidak valid.")
	}
	year, _, err := reportName(strings.TrimSuffix(name, "/changes"), field)
	return year, err
}

// strategicPlanName parses `indicators/{indicator}/strategicPlan`.
func strategicPlanName(name, field string) (string, error) {
	parts := strings.Split(name, "/")
	if len(parts) != 3 || parts[0] != "indicators" || parts[1] == "" || parts[2] != "strategicPlan" {
		return "", ppks.Invalid(field, "INVALID_NAME", "expected indicators/{indicator}/strategicPlan", "Format nama sumber daya tidak valid.")
	}
	return parts[1], nil
}
