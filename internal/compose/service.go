package compose

import (
	"context"
	"fmt"
	"time"
	_ "time/tzdata" // the office's time zone must load on machines without zoneinfo

	"github.com/google/uuid"
	"github.com/opendinsos/ppks/internal/ppks"
	"github.com/opendinsos/ppks/internal/refdata"
)

// NewService builds the domain service over a store, with the reference data of dir.
func NewService(store ppks.Store, referenceDir, timeZone string) (*ppks.Service, error) {
	catalog, bands, err := refdata.Load(referenceDir)
	if err != nil {
		return nil, fmt.Errorf("load reference data: %w", err)
	}
	loc, err := time.LoadLocation(timeZone)
	if err != nil {
		return nil, fmt.Errorf("time zone %q: %w", timeZone, err)
	}
	def := ppks.DefaultIndicator()
	def.Bands = bands
	svc := &ppks.Service{
		Store:     store,
		Catalog:   catalog,
		Indicator: def,
		Location:  loc,
		Now:       time.Now,
		NewID:     func() string { return uuid.Must(uuid.NewV7()).String() },
	}
	// The store maintains the indicator's counts with the catalog's counting rules: hand
	// them over before anything reads or writes. Unchanged rules cost one read; changed
	// ones (new reference data) rebuild the counts, once, before the service starts.
	if err := svc.CountingRules(ppks.WithPrincipal(context.Background(), ppks.SystemPrincipal)); err != nil {
		return nil, fmt.Errorf("record counting rules: %w", err)
	}
	return svc, nil
}
