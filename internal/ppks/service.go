package ppks

import (
	"strings"
	"time"
)

// Service applies the domain's rules on top of a Store. Transports call it; it never
// sees a proto or a SQL statement.
type Service struct {
	Store     Store
	Catalog   *Catalog
	Indicator IndicatorDefinition
	Location  *time.Location   // the office's time zone: "today" and the year of events
	Now       func() time.Time // the clock
	NewID     func() string    // new resource ids (time-ordered UUIDs)

	auth authCache // recent authentications
	// SmallCellThreshold: published breakdowns hide counts from 1 to it (0: the default).
	SmallCellThreshold int

	// Web sign-in (service_session.go): how long sessions last, and the failed attempts
	// recently seen.
	Sessions SessionPolicy
	logins   loginLimiter

	cursorKeys cursorKeys // the database's key for sync cursors (cursor.go)
}

// today returns the current civil date in the office's time zone.
func (s *Service) today() Date { return DateOf(s.Now(), s.Location) }

func (s *Service) now() time.Time { return s.Now().UTC().Truncate(time.Microsecond) }

// checkRequestID validates a request id: a UUID, required for creates.
func checkRequestID(vs *violations, id string, required bool) {
	switch {
	case id == "" && required:
		vs.required("request_id")
	case id != "" && !IsUUID(id):
		vs.add("request_id", "INVALID_UUID", "must be a UUID", "Harus berupa UUID.")
	}
}

// newID returns the client-chosen id after checking it, or a fresh one.
func (s *Service) newID(vs *violations, field, chosen string) string {
	if chosen == "" {
		return s.NewID()
	}
	if !IsUUID(chosen) {
		vs.add(field, "INVALID_UUID", "must be a UUID", "Harus berupa UUID.")
	}
	return chosen
}

// NormalizeKey lower-cases the request id so that retries match whatever the case.
func NormalizeKey(k RequestKey) RequestKey {
	k.ID = strings.ToLower(strings.TrimSpace(k.ID))
	return k
}

// checkMask validates update_mask paths against the updatable fields; "*" means all.
func checkMask(paths []string, allowed []string) ([]string, error) {
	if len(paths) == 1 && paths[0] == "*" {
		return allowed, nil
	}
	ok := map[string]bool{}
	for _, f := range allowed {
		ok[f] = true
	}
	var vs violations
	for _, p := range paths {
		if !ok[p] {
			vs.add("update_mask", "UNKNOWN_FIELD", "cannot update "+p, "Kolom "+p+" tidak dapat diubah.")
		}
	}
	if len(paths) == 0 {
		vs.add("update_mask", "EMPTY", "nothing to update", "Tidak ada kolom yang diubah.")
	}
	return paths, vs.err()
}

// checkEtag refuses an update made against a stale copy (AIP-154).
func checkEtag(sent, current string) error {
	if sent == "" || sent == current {
		return nil
	}
	return &Error{
		Kind:      KindAborted,
		Reason:    "ETAG_MISMATCH",
		Message:   "the record changed since it was read; read it again and retry",
		Localized: "Data sudah diubah oleh pengguna lain; muat ulang lalu coba lagi.",
	}
}
