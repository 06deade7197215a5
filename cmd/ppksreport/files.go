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

// writeFile writes a file through write.
func writeFile(path string, write func(io.Writer) error) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	if err := write(f); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}
