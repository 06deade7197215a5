package server_test

import (
	"strconv"

	"google.golang.org/genproto/googleapis/type/date"
)

func day(y, m, d int) *date.Date { return &date.Date{Year: int32(y), Month: int32(m), Day: int32(d)} }

func itoa(n int) string { return strconv.Itoa(n) }
