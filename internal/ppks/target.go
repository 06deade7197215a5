package ppks

import "time"

// Target holds the targets of an indicator for one year. Each value is optional.
type Target struct {
	Indicator  string
	Year       int
	Value      *int // PK target: what capaian is measured against
	Renstra    *int // Renstra target
	Historical *int // realisasi recorded before this service existed
	UpdateTime time.Time
}

// Name returns the resource name.
func (t *Target) Name() string {
	return "indicators/" + t.Indicator + "/targets/" + itoa(t.Year)
}

// Target fields, as update_mask paths.
var targetFields = []string{"value", "renstra_value", "historical_value"}
