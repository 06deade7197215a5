package main

import (
	"context"
	"flag"
	"fmt"

	"github.com/opendinsos/ppks/internal/scenario"
)

func loadScenario(*flag.FlagSet) action {
	return func(ctx context.Context, e *env) error {
		sum, err := scenario.Load(ctx, e.svc)
		if err != nil {
			return fmt.Errorf("load scenario: %w", err)
		}
		fmt.Fprintf(e.stdout, "loaded the %d scenario into %s: %d people, %d cases, %d interventions (%d voided)\n",
			scenario.Year, e.db, sum.Beneficiaries, sum.Cases, sum.Interventions, sum.Voided)
		return nil
	}
}
