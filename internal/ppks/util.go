package ppks

import "strconv"

func itoa(n int) string { return strconv.Itoa(n) }

func etag(revision int64) string { return `"r` + strconv.FormatInt(revision, 10) + `"` }

// IsUUID reports whether s is a UUID in canonical lower-case text form.
func IsUUID(s string) bool {
	if len(s) != 36 {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch i {
		case 8, 13, 18, 23:
			if c != '-' {
				return false
			}
		default:
			if !(c >= '0' && c <= '9' || c >= 'a' && c <= 'f') {
				return false
			}
		}
	}
	return true
}
func itoa64(n int64) string { return strconv.FormatInt(n, 10) }
