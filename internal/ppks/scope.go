package ppks

import "slices"

// Area is the part of the kabupaten whose people a caller may see: a list of kecamatan
// codes, nil for the whole kabupaten, empty (non-nil) for nobody.
//
// A record belongs to the area of its person: a case or an intervention is in an area
// when its person is, wherever the intervention was delivered. This is the one scope
// rule of every read path (GET, lists, search, exports, timelines, histories, sync): a
// list never shows what a GET of the same record would refuse. Stores apply it to the
// person's kecamatan in their queries (Area fields of the filters); the service checks
// every record it returns against it once more (inArea), so a store that got it wrong
// fails closed.
type Area []string

// Whole reports whether the area is the whole kabupaten.
func (a Area) Whole() bool { return a == nil }

// Empty reports whether the area holds nobody.
func (a Area) Empty() bool { return a != nil && len(a) == 0 }

// Contains reports whether people of the kecamatan are in the area.
func (a Area) Contains(kecamatan string) bool { return a == nil || slices.Contains(a, kecamatan) }

// Area returns the caller's area: a worker's kecamatan, the whole kabupaten for the
// other roles that read people.
func (p *Principal) Area() Area {
	if !p.Scoped() {
		return nil
	}
	if len(p.Kecamatan) == 0 {
		return Area{}
	}
	return Area(p.Kecamatan)
}

// InScope reports whether the caller may see people of the kecamatan.
func (p *Principal) InScope(kecamatan string) bool { return p.Area().Contains(kecamatan) }

// errOutsideArea is returned when a store hands back a record outside the area a read
// asked for: a store defect, refused rather than shown.
func errOutsideArea(name string) error {
	return Internal("scope", errString("store returned "+name+" outside the caller's area"))
}

// inArea checks that every record of a read belongs to the caller's area (by the
// kecamatan of its person, personKecamatan), and fails closed otherwise.
func inArea[T interface{ Name() string }](p *Principal, list []T, personKecamatan func(T) string) error {
	area := p.Area()
	if area.Whole() {
		return nil
	}
	for _, r := range list {
		if !area.Contains(personKecamatan(r)) {
			return errOutsideArea(r.Name())
		}
	}
	return nil
}
