package main

import (
	"context"
	"flag"
	"fmt"
	"time"

	"github.com/opendinsos/ppks/internal/ppks"
)

func recountCommand(fs *flag.FlagSet) action {
	repair := fs.Bool("repair", false, "after reporting a difference, rebuild the maintained counts from the raw rows")
	return recount(repair)
}

// recount compares, year by year, the counts the store maintains with a recount of the
// raw rows and prints both; any difference fails the command (after --repair too: it is
// a fault to look into), and --repair then rebuilds the counts and checks again. Each
// phase is told on stderr as it starts and ends: at ten million interventions a phase
// takes minutes.
func recount(repair *bool) action {
	return func(ctx context.Context, e *env) error {
		svc, out := e.svc, e.stdout
		phase := func(what string) func() {
			start := time.Now()
			fmt.Fprintf(e.stderr, "%s...\n", what)
			return func() { fmt.Fprintf(e.stderr, "  done in %s\n", time.Since(start).Round(time.Millisecond)) }
		}
		end := phase("recounting every year from the raw rows and comparing with the maintained counts")
		diffs, err := svc.VerifyCounts(ctx)
		if err != nil {
			return err
		}
		end()
		differs := map[int]ppks.CountMismatch{}
		for _, d := range diffs {
			differs[d.Year] = d
		}
		years, err := svc.Store.CountYears(ctx)
		if err != nil {
			return err
		}
		fmt.Fprintf(out, "%-6s %-30s %-30s\n", "year", "maintained (figure/units/unique)", "recount (figure/units/unique)")
		for _, y := range years {
			d, bad := differs[y]
			if !bad {
				if d.Maintained, err = svc.Store.DetailedCounts(ctx, y); err != nil {
					return err
				}
				d.Recount = d.Maintained
			}
			status := "same"
			if bad {
				status = "DIFFERENT"
			}
			fmt.Fprintf(out, "%-6d %-30s %-30s %s\n", y, summary(svc.Catalog, y, d.Maintained), summary(svc.Catalog, y, d.Recount), status)
		}
		if len(diffs) == 0 {
			fmt.Fprintln(out, "no difference")
			return nil
		}
		if *repair {
			end := phase("rebuilding the maintained counts from the raw rows")
			if err := svc.Store.RebuildCounts(ctx); err != nil {
				return fmt.Errorf("rebuild counts: %w", err)
			}
			end()
			end = phase("recounting again")
			again, err := svc.VerifyCounts(ctx)
			if err != nil {
				return err
			}
			end()
			if len(again) > 0 {
				return fmt.Errorf("counts still differ in %d years after rebuilding", len(again))
			}
			fmt.Fprintln(out, "rebuilt the counts from the raw rows: no difference now")
		}
		return fmt.Errorf("maintained counts differ from the recount in %d years", len(diffs))
	}
}

// summary shows a year's counts as official figure / units of every type / unique persons.
func summary(cat *ppks.Catalog, year int, c ppks.IndicatorCounts) string {
	figure, units := 0, 0
	for code, tc := range c.Types {
		units += tc.Units
		if cat.Counts(year, code) {
			figure += tc.Units
		}
	}
	return fmt.Sprintf("%d/%d/%d", figure, units, c.UniquePersons)
}
