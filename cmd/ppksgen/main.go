// Command ppksgen writes a new PPKS database of synthetic records at a chosen scale, for
// benchmarks and load tests (internal/synth). It refuses to touch an existing file.
//
//	ppksgen --db .bench/1m.db --interventions 1000000 --kabupaten 5 --years 2021-2025 --seed 1
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"runtime/pprof"
	"strconv"
	"strings"
	"syscall"

	"github.com/opendinsos/ppks/internal/compose"
	"github.com/opendinsos/ppks/internal/procstat"
	"github.com/opendinsos/ppks/internal/store/sqlite"
	"github.com/opendinsos/ppks/internal/synth"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	if errors.Is(err, flag.ErrHelp) {
		os.Exit(0)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "ppksgen:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, args []string, stdout, stderr io.Writer) (err error) {
	fs := flag.NewFlagSet("ppksgen", flag.ContinueOnError)
	fs.SetOutput(stderr)
	dbPath := fs.String("db", "", "the new SQLite database file to write (must not exist)")
	n := fs.Int("interventions", 10_000, "how many interventions to generate")
	kab := fs.Int("kabupaten", 5, "how many kabupaten: the reference data's own plus synthetic ones")
	years := fs.String("years", "2021-2025", "the years deliveries fall in, FIRST-LAST")
	seed := fs.Uint64("seed", 1, "random seed: the same flags give the same records")
	refDir := fs.String("reference-dir", "", "directory whose CSV files replace the embedded reference data")
	cpuProfile := fs.String("cpuprofile", "", "write a CPU profile of the run to this file")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *cpuProfile != "" {
		f, err := os.Create(*cpuProfile)
		if err != nil {
			return err
		}
		defer f.Close()
		if err := pprof.StartCPUProfile(f); err != nil {
			return err
		}
		defer pprof.StopCPUProfile()
	}
	first, last, err := parseYears(*years)
	if err != nil {
		return err
	}
	if *dbPath == "" {
		return errors.New("--db is required")
	}
	if _, err := os.Stat(*dbPath); !errors.Is(err, os.ErrNotExist) {
		return fmt.Errorf("%s exists: ppksgen writes a new database only", *dbPath)
	}
	store, err := sqlite.Open(ctx, *dbPath)
	if err != nil {
		return err
	}
	defer func() {
		if cerr := store.Close(); cerr != nil && err == nil {
			err = cerr
		}
	}()
	svc, err := compose.NewService(store, *refDir, "Asia/Makassar") // records the counting rules
	if err != nil {
		return err
	}
	sum, err := synth.Generate(ctx, store, svc.Catalog, synth.Config{
		Interventions: *n, Kabupaten: *kab, FirstYear: first, LastYear: last, Seed: *seed,
	})
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "wrote %s: %d interventions (%d voided, %d corrected, %d verified, %d rejected)\n",
		*dbPath, sum.Interventions, sum.Voided, sum.Corrected, sum.Verified, sum.Rejected)
	fmt.Fprintf(stdout, "  %d people (%d with NIK, %d with KK), %d cases (%d with monthly permakanan)\n",
		sum.People, sum.WithNIK, sum.WithKK, sum.Cases, sum.MonthlyPermakanan)
	fmt.Fprintf(stdout, "  %d kabupaten, %d kecamatan, %d years\n", sum.Kabupaten, sum.Kecamatan, sum.Years)
	fmt.Fprintf(stdout, "  load %.1fs, rebuild counts %.1fs, total %.1fs (%.0f interventions/s)\n",
		sum.Load.Seconds(), sum.Rebuild.Seconds(), sum.Elapsed.Seconds(), sum.InterventionsPerSecond)
	if rss := procstat.PeakRSS(); rss > 0 {
		fmt.Fprintf(stdout, "  peak RSS %d MiB\n", rss>>20)
	}
	return nil
}

// parseYears reads FIRST-LAST (or one year).
func parseYears(s string) (first, last int, err error) {
	a, b, found := strings.Cut(s, "-")
	if !found {
		b = a
	}
	first, err1 := strconv.Atoi(a)
	last, err2 := strconv.Atoi(b)
	if err1 != nil || err2 != nil || last < first {
		return 0, 0, fmt.Errorf("--years %q: want FIRST-LAST, such as 2021-2025", s)
	}
	return first, last, nil
}
