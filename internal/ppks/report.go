package ppks

import (
	"math/big"
	"time"
)

// The report of a year (the tables of Bab III of the LKjIP). Every type here is part of
// the signed snapshot's stored format (report_snapshot.go): fields may be added, never
// renamed or removed.

// Report is the LKjIP tables of one year: aggregates only, plus, kept for the signed
// snapshot and never served as such, the facts the figures were counted from.
type Report struct {
	Year        int
	ComputeTime time.Time
	Definition  ReportDefinition
	Performance Performance     // Tabel 3.1
	History     History         // Tabel 3.2, 3.3
	Spm         []SpmService    // Tabel 3.4
	Programs    []ProgramResult // Tabel 3.6
	Budget      BudgetTable     // Tabel 3.5, 3.7
	Breakdown   Breakdown       // kecamatan x counted type, small cells suppressed
	// The persons behind the figures, so that a signed figure can be drilled down to the
	// persons it counted even after late amendments.
	Facts  []CountFact
	Served []ServiceFact
}

// ReportDefinition is how a report's figures were computed.
type ReportDefinition struct {
	Indicator          string
	IndicatorName      string
	StrategicObjective string // sasaran strategis
	Unit               string // of the indicator, e.g. "Orang"
	LowerIsBetter      bool
	CountedTypes       []string
	Bands              []BandDefinition
	SmallCellThreshold int
	Rounding           string
}

// BandDefinition is a predikat band as stored: its exact lower bound as a decimal.
type BandDefinition struct {
	MinPercent string // "" for the band without a lower bound
	Label      string
}

// Report texts of the 2024 LKjIP.
const (
	defaultStrategicObjective = "Menurunnya Pemerlu Pelayanan Kesejahteraan Sosial (PPKS)"
	defaultIndicatorUnit      = "Orang"
	// RoundingRule says how percentages are shown. Every percentage is computed exactly
	// (math/big) and rounded only for display; a difference such as the efficiency is
	// taken between the exact values, then rounded.
	RoundingRule = "setengah ke atas, 2 desimal, dari nilai eksak (half up to 2 decimals of the exact value)"
)

// ServiceFact is one (intervention type, person, PPKS category of the case) with at least
// one counting intervention in the year: who was served, in which category.
type ServiceFact struct {
	InterventionType string
	BeneficiaryID    string
	PpksType         string
}

// Performance is Tabel 3.1: the indicator against its PK target.
type Performance struct {
	Target        *int
	Realisasi     int
	UniquePersons int
	Achievement   *big.Rat // nil without a target
	Rating        string
	ByType        []Count
	OtherServices []Count
}

// RealisasiSource says where a year's realisasi comes from.
type RealisasiSource int

// Realisasi sources.
const (
	SourceNone RealisasiSource = iota
	SourceHistorical
	SourceRecorded
	SourceSigned
)

// HistoryYear is one year of Tabel 3.2 and 3.3.
type HistoryYear struct {
	Year               int
	Target             *int
	Renstra            *int
	Realisasi          *int
	Source             RealisasiSource
	Achievement        *big.Rat
	RenstraAchievement *big.Rat
}

// History is Tabel 3.2 and 3.3: the years of the Renstra period.
type History struct {
	BaselineYear          int
	Baseline              *int
	MediumTermYear        int
	MediumTermTarget      *int
	MediumTermAchievement *big.Rat
	Years                 []HistoryYear
}

// SpmService is one line of Tabel 3.4.
type SpmService struct {
	Group   string
	Name    string
	Persons int
}

// ProgramResult is one programme indicator of Tabel 3.6, computed.
type ProgramResult struct {
	ID                string
	Name              string
	ProgramCode       string
	ProgramName       string
	InterventionTypes []string
	Reached           int
	Population        int
	Target            *big.Rat
	Realisasi         *big.Rat
	Achievement       *big.Rat
}

// BudgetProgram is one programme of Tabel 3.7 with its lines.
type BudgetProgram struct {
	Code                 string
	Name                 string
	Pagu, Realisasi      int64
	Achievement          *big.Rat
	PerformanceAgreement bool // some line of it supports the Perjanjian Kinerja
	Lines                []BudgetLine
}

// BudgetTable is Tabel 3.7 and the budget half of Tabel 3.5.
type BudgetTable struct {
	Programs                      []BudgetProgram
	Pagu, Realisasi               int64
	Achievement                   *big.Rat // capaian anggaran; nil without a budget
	PerformanceAgreementPagu      int64    // lines supporting the Perjanjian Kinerja
	PerformanceAgreementRealisasi int64
	Efficiency                    *big.Rat // capaian kinerja - capaian anggaran; nil without both
}

// Cell is a count of a published table. Hidden cells keep their value for the snapshot;
// transports never show it.
type Cell struct {
	Value  int
	Hidden bool
}

// BreakdownRow is a kecamatan of the breakdown.
type BreakdownRow struct {
	Code, Name string
	Cells      []Cell
	Total      Cell
}

// Breakdown is persons per kecamatan and counted intervention type, suppressed.
type Breakdown struct {
	Threshold    int
	Columns      []Count
	Rows         []BreakdownRow
	ColumnTotals []Cell
	Total        Cell
}

// Name returns the report's resource name.
func (r *Report) Name() string { return ReportName(r.Year) }

// ReportName returns the resource name of a year's report.
func ReportName(year int) string { return "reports/" + itoa(year) }
