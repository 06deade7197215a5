// Package lkjip lays out Bab III of the LKjIP (Tabel 3.1 to 3.7 and the breakdown per
// kecamatan) from the domain's report, with headings in Bahasa Indonesia as the report
// prints them, and writes it as an XLSX workbook, a Markdown document or one CSV file per
// table. ppksreport (through gRPC) and the web application (through the domain service)
// share it, so both print the same tables.
package lkjip

import (
	"fmt"

	"github.com/opendinsos/ppks/internal/ppks"
)

// Status says whether a report's figures are the signed ones, and how to check them.
type Status struct {
	Signed      bool
	LockedBy    string // who locked the year
	ContentHash string // hex SHA-256 of the signed snapshot
}

// StatusOf returns the status of a report the domain service returned with lock for
// view: signed when the year is locked, unless the live figures were asked for.
func StatusOf(lock *ppks.YearLock, view ppks.ReportView) Status {
	if lock == nil || view == ppks.ViewLive {
		return Status{}
	}
	return Status{Signed: true, LockedBy: lock.Username, ContentHash: lock.Hash}
}

// Line is the status as one sentence of the report.
func (s Status) Line() string {
	if s.Signed {
		return fmt.Sprintf("Laporan yang ditandatangani (tahun dikunci oleh %s). Hash isi (SHA-256): `%s`.", s.LockedBy, s.ContentHash)
	}
	return "Angka sementara: dihitung dari data saat ini (tahun belum dikunci)."
}

// BaseName is the file name of a year's report without extension: the workbook and
// the Markdown are BaseName(year)+".xlsx" and ".md", a table's CSV
// BaseName(year)+"-"+table.ID+".csv".
func BaseName(year int) string { return fmt.Sprintf("lkjip-%d", year) }
