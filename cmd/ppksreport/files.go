package main

import (
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/opendinsos/ppks/internal/lkjip"
	"github.com/opendinsos/ppks/internal/ppks"
)

// writeFiles writes the workbook, the Markdown and one CSV file per table into dir and
// returns how many CSV files it wrote.
func writeFiles(dir string, r *ppks.Report, st lkjip.Status) (int, error) {
	base := filepath.Join(dir, lkjip.BaseName(r.Year))
	if err := writeFile(base+".xlsx", func(w io.Writer) error { return lkjip.WriteXLSX(w, r, st) }); err != nil {
		return 0, fmt.Errorf("write XLSX: %w", err)
	}
	if err := writeFile(base+".md", func(w io.Writer) error { return lkjip.WriteMarkdown(w, r, st) }); err != nil {
		return 0, fmt.Errorf("write Markdown: %w", err)
	}
	tables := lkjip.Tables(r)
	for _, t := range tables {
		if err := writeFile(base+"-"+t.ID+".csv", func(w io.Writer) error { return lkjip.WriteCSV(w, t) }); err != nil {
			return 0, fmt.Errorf("write CSV: %w", err)
		}
	}
	return len(tables), nil
}

// fileMode is the mode of every file written: readable by all, writable by its owner,
// executable by none (0644, like the Markdown and CSV files always were). The files
// hold figures only, never personal data (the report RPCs give aggregates), and they
// are made to be passed on; put them in a private directory to keep them private.
const fileMode = 0o644

// writeFile writes a file through write: into a temporary file beside it, renamed into
// place once complete, so that a failed run never leaves half a file, and a file from an
// earlier run gets this run's mode.
func writeFile(path string, write func(io.Writer) error) (err error) {
	f, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*")
	if err != nil {
		return err
	}
	defer func() {
		if err != nil {
			f.Close()
			os.Remove(f.Name())
		}
	}()
	if err := write(f); err != nil {
		return err
	}
	if err := f.Chmod(fileMode); err != nil {
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	return os.Rename(f.Name(), path)
}
