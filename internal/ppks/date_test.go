package ppks

import (
	"sort"
	"testing"
	"time"
)

func TestDateValid(t *testing.T) {
	tests := []struct {
		d    Date
		want bool
	}{
		{Date{2024, 2, 29}, true},
		{Date{2023, 2, 29}, false},
		{Date{2000, 2, 29}, true},
		{Date{1900, 2, 29}, false},
		{Date{2024, 12, 31}, true},
		{Date{2024, 4, 31}, false},
		{Date{2024, 1, 32}, false},
		{Date{2024, 6, 0}, true},   // year and month
		{Date{1950, 0, 0}, true},   // year only
		{Date{1950, 0, 15}, false}, // a day without a month
		{Date{2024, 0, 0}, true},
		{Date{2024, 13, 1}, false},
		{Date{2024, 13, 0}, false},
		{Date{2024, -1, 1}, false},
		{Date{2024, 1, -1}, false},
		{Date{0, 1, 1}, false},
		{Date{}, false},
		{Date{10000, 1, 1}, false},
		{Date{9999, 12, 31}, true},
	}
	for _, tc := range tests {
		if got := tc.d.Valid(); got != tc.want {
			t.Errorf("%+v.Valid() = %v, want %v", tc.d, got, tc.want)
		}
	}
}

func TestDateCompare(t *testing.T) {
	tests := []struct {
		a, b Date
		want int
	}{
		{Date{2024, 3, 1}, Date{2024, 3, 1}, 0},
		{Date{2024, 3, 1}, Date{2024, 3, 2}, -1},
		{Date{2024, 3, 31}, Date{2024, 4, 1}, -1},
		{Date{2024, 12, 31}, Date{2025, 1, 1}, -1},
		{Date{2025, 1, 1}, Date{2024, 12, 31}, 1},
		{Date{2024, 0, 0}, Date{2024, 1, 1}, -1}, // a missing month sorts first
		{Date{2024, 5, 0}, Date{2024, 5, 1}, -1}, // a missing day sorts first
		{Date{2024, 0, 0}, Date{2024, 0, 0}, 0},
	}
	for _, tc := range tests {
		if got := tc.a.Compare(tc.b); got != tc.want {
			t.Errorf("%v.Compare(%v) = %d, want %d", tc.a, tc.b, got, tc.want)
		}
		if got := tc.b.Compare(tc.a); got != -tc.want {
			t.Errorf("%v.Compare(%v) = %d, want %d", tc.b, tc.a, got, -tc.want)
		}
		if got := tc.a.After(tc.b); got != (tc.want > 0) {
			t.Errorf("%v.After(%v) = %v", tc.a, tc.b, got)
		}
	}

	dates := []Date{{2024, 12, 31}, {2023, 0, 0}, {2024, 1, 15}, {2024, 1, 0}, {2024, 0, 0}, {2024, 1, 2}}
	sort.Slice(dates, func(i, j int) bool { return dates[i].Compare(dates[j]) < 0 })
	want := []Date{{2023, 0, 0}, {2024, 0, 0}, {2024, 1, 0}, {2024, 1, 2}, {2024, 1, 15}, {2024, 12, 31}}
	for i := range want {
		if dates[i] != want[i] {
			t.Fatalf("sorted = %v, want %v", dates, want)
		}
	}
}

func TestDateString(t *testing.T) {
	for _, tc := range []struct {
		d    Date
		want string
	}{
		{Date{2024, 3, 7}, "2024-03-07"},
		{Date{2024, 3, 0}, "2024-03"},
		{Date{1950, 0, 0}, "1950"},
	} {
		if got := tc.d.String(); got != tc.want {
			t.Errorf("%+v.String() = %q, want %q", tc.d, got, tc.want)
		}
	}
}

// The year of an intervention is the civil year in WITA (UTC+8): 31 December 17:00 UTC
// is already 1 January there.
func TestDateOf(t *testing.T) {
	wita := time.FixedZone("WITA", 8*3600)
	ts := time.Date(2024, 12, 31, 17, 0, 0, 0, time.UTC)
	if got, want := DateOf(ts, wita), (Date{2025, 1, 1}); got != want {
		t.Errorf("DateOf(%v, WITA) = %v, want %v", ts, got, want)
	}
	if got, want := DateOf(ts, time.UTC), (Date{2024, 12, 31}); got != want {
		t.Errorf("DateOf(%v, UTC) = %v, want %v", ts, got, want)
	}
}
