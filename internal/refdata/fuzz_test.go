package refdata

import (
	"errors"
	"strings"
	"testing"
)

// FuzzReferenceCSV replaces one reference file by arbitrary bytes: loading gives a
// catalog that holds together, or an *Error naming a file, never a panic.
func FuzzReferenceCSV(f *testing.F) {
	for i, name := range fileNames {
		data, err := embedded.ReadFile("data/" + name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(uint8(i), data)
	}
	f.Add(uint8(2), []byte("code,name,level,desa_count,kelurahan_count\n73.06,Gowa,KABUPATEN,,\n73.06.01,A,KECAMATAN,1,0\n"))
	f.Add(uint8(2), []byte("\uFEFFcode,name,level,desa_count,kelurahan_count\n\"73.06\n"))
	f.Add(uint8(4), []byte("min_percent,rating\n110,Sangat Berhasil\n-1,Tidak\n"))
	f.Fuzz(func(t *testing.T, which uint8, data []byte) {
		files := map[string]*file{}
		for _, name := range fileNames {
			embeddedData, err := embedded.ReadFile("data/" + name)
			if err != nil {
				t.Fatal(err)
			}
			files[name] = &file{name: name, source: "embedded", data: embeddedData}
		}
		name := fileNames[int(which)%len(fileNames)]
		files[name] = &file{name: name, source: "fuzz", data: data}

		cat, bands, err := parseAll(files)
		if err != nil {
			var e *Error
			if !errors.As(err, &e) || e.File == "" {
				t.Fatalf("%s: error %#v, want an *Error naming a file", name, err)
			}
			return
		}
		if len(cat.PpksTypes) == 0 || len(cat.InterventionTypes) == 0 || len(cat.Kecamatan) == 0 || len(bands) == 0 {
			t.Fatalf("%s accepted, but the catalog has an empty list", name)
		}
		for _, k := range cat.Kecamatan {
			if !strings.HasPrefix(k.Code, cat.Kabupaten.Code+".") || k.ParentCode != cat.Kabupaten.Code {
				t.Fatalf("%s accepted kecamatan %s outside kabupaten %s", name, k.Code, cat.Kabupaten.Code)
			}
		}
	})
}
