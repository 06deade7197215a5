package ppks

import (
	"fmt"
	"time"
)

// Date is a civil date without time zone. Month and Day may be zero for a partial date
// (an estimated birth year, say); dates of events are always complete.
type Date struct {
	Year, Month, Day int
}

// DateOf returns the civil date of t in loc.
func DateOf(t time.Time, loc *time.Location) Date {
	y, m, d := t.In(loc).Date()
	return Date{Year: y, Month: int(m), Day: d}
}

// IsZero reports whether no part of the date is set.
func (d Date) IsZero() bool { return d == Date{} }

// Complete reports whether year, month and day are all set.
func (d Date) Complete() bool { return d.Year > 0 && d.Month > 0 && d.Day > 0 }

// Valid reports whether the set parts form a real date: month 1..12 when set, day within
// the month when set, and no day without a month.
func (d Date) Valid() bool {
	if d.Year < 1 || d.Year > 9999 || d.Month < 0 || d.Month > 12 || d.Day < 0 {
		return false
	}
	if d.Day == 0 {
		return true
	}
	return d.Month > 0 && d.Day <= DaysIn(d.Year, d.Month)
}

// DaysIn returns the number of days in the month of the year.
func DaysIn(year, month int) int {
	return time.Date(year, time.Month(month)+1, 0, 0, 0, 0, 0, time.UTC).Day()
}

// Compare orders dates; a missing month or day sorts first.
func (d Date) Compare(o Date) int {
	switch {
	case d.Year != o.Year:
		return sign(d.Year - o.Year)
	case d.Month != o.Month:
		return sign(d.Month - o.Month)
	default:
		return sign(d.Day - o.Day)
	}
}

// After reports whether d is later than o.
func (d Date) After(o Date) bool { return d.Compare(o) > 0 }

// String formats a complete date as YYYY-MM-DD, a partial one as YYYY-MM or YYYY.
func (d Date) String() string {
	switch {
	case d.Month == 0:
		return fmt.Sprintf("%04d", d.Year)
	case d.Day == 0:
		return fmt.Sprintf("%04d-%02d", d.Year, d.Month)
	default:
		return fmt.Sprintf("%04d-%02d-%02d", d.Year, d.Month, d.Day)
	}
}

func sign(n int) int {
	switch {
	case n < 0:
		return -1
	case n > 0:
		return 1
	}
	return 0
}
