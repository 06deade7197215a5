package ppks

import "sort"

// PpksType is one of the regulated PPKS categories.
type PpksType struct {
	Code         string
	Number       int
	Name         string // Bahasa Indonesia
	Abbreviation string
	SpmGroup     string // SPM service group, or "NONE"
}

// CountedUnit is what an intervention type is counted in.
type CountedUnit int

// Counted units.
const (
	UnitPerson CountedUnit = iota + 1
	UnitFamily
)

// InterventionType is a service delivered to a person, tied to a sub-kegiatan.
type InterventionType struct {
	Code            string
	Name            string // Bahasa Indonesia
	ProgramCode     string
	SubKegiatanCode string
	Unit            CountedUnit
}

// RegionLevel is the administrative level of a region.
type RegionLevel int

// Region levels.
const (
	LevelKabupaten RegionLevel = iota + 1
	LevelKecamatan
)

// Region is a kabupaten or one of its kecamatan.
type Region struct {
	Code           string
	Name           string
	Level          RegionLevel
	ParentCode     string
	DesaCount      int
	KelurahanCount int
}

// CountingRule says which intervention types count toward the indicator from a year on.
type CountingRule struct {
	FromYear int
	Types    map[string]bool
}

// Catalog is the reference data the service runs with. It is read-only once built.
type Catalog struct {
	PpksTypes         []PpksType
	InterventionTypes []InterventionType
	Kabupaten         Region
	Kecamatan         []Region
	// Counting rules by year. The rule for a year is the latest one starting at or
	// before it; years before the first rule use the first rule.
	Counting []CountingRule

	ppksByCode map[string]int
	ivByCode   map[string]int
	kecByCode  map[string]int
}

// Index builds the lookups; call it once after filling the catalog.
func (c *Catalog) Index() {
	c.ppksByCode = make(map[string]int, len(c.PpksTypes))
	for i, t := range c.PpksTypes {
		c.ppksByCode[t.Code] = i
	}
	c.ivByCode = make(map[string]int, len(c.InterventionTypes))
	for i, t := range c.InterventionTypes {
		c.ivByCode[t.Code] = i
	}
	c.kecByCode = make(map[string]int, len(c.Kecamatan))
	for i, r := range c.Kecamatan {
		c.kecByCode[r.Code] = i
	}
	sort.Slice(c.Counting, func(i, j int) bool { return c.Counting[i].FromYear < c.Counting[j].FromYear })
}

// PpksType looks a category up by code.
func (c *Catalog) PpksType(code string) (PpksType, bool) {
	i, ok := c.ppksByCode[code]
	if !ok {
		return PpksType{}, false
	}
	return c.PpksTypes[i], true
}

// InterventionType looks an intervention type up by code.
func (c *Catalog) InterventionType(code string) (InterventionType, bool) {
	i, ok := c.ivByCode[code]
	if !ok {
		return InterventionType{}, false
	}
	return c.InterventionTypes[i], true
}

// KecamatanByCode looks a kecamatan up by code.
func (c *Catalog) KecamatanByCode(code string) (Region, bool) {
	i, ok := c.kecByCode[code]
	if !ok {
		return Region{}, false
	}
	return c.Kecamatan[i], true
}

// Counts reports whether the intervention type counts toward the indicator in the year.
func (c *Catalog) Counts(year int, code string) bool {
	if len(c.Counting) == 0 {
		return false
	}
	rule := c.Counting[0]
	for _, r := range c.Counting {
		if r.FromYear <= year {
			rule = r
		}
	}
	return rule.Types[code]
}
