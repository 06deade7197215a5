package main

import (
	"context"
	"flag"
	"fmt"
	"time"

	"github.com/opendinsos/ppks/internal/scenario"
)

// progressEvery is how many people load-scenario records between two progress lines.
const progressEvery = 200

func loadScenario(*flag.FlagSet) action {
	return func(ctx context.Context, e *env) error {
		start := time.Now()
		fmt.Fprintf(e.stderr, "loading the %d scenario into %s: %d people\n", scenario.Year, e.dbName(), scenario.People)
		sum, err := scenario.LoadReporting(ctx, e.svc, func(s scenario.Summary) {
			if s.Beneficiaries%progressEvery == 0 {
				fmt.Fprintf(e.stderr, "  %4d of %d people, %d interventions (%s)\n",
					s.Beneficiaries, scenario.People, s.Interventions, time.Since(start).Round(100*time.Millisecond))
			}
		})
		if err != nil {
			return fmt.Errorf("load scenario: %w", err)
		}
		switch {
		case sum.Replayed == sum.Requests:
			// The request ids are the scenario's own: an earlier load made every request.
			fmt.Fprintf(e.stdout, "already loaded: replayed %d requests, wrote nothing (%s holds the %d scenario: %d people, %d cases, %d interventions, %d voided)\n",
				sum.Replayed, e.dbName(), scenario.Year, sum.Beneficiaries, sum.Cases, sum.Interventions, sum.Voided)
		case sum.Replayed > 0:
			fmt.Fprintf(e.stdout, "completed an earlier, interrupted load of the %d scenario into %s: wrote %d requests, replayed %d (%d people, %d cases, %d interventions, %d voided)\n",
				scenario.Year, e.dbName(), sum.Requests-sum.Replayed, sum.Replayed, sum.Beneficiaries, sum.Cases, sum.Interventions, sum.Voided)
		default:
			fmt.Fprintf(e.stdout, "loaded the %d scenario into %s: %d people, %d cases, %d interventions (%d voided)\n",
				scenario.Year, e.dbName(), sum.Beneficiaries, sum.Cases, sum.Interventions, sum.Voided)
		}
		return nil
	}
}
