package main

import (
	"bufio"
	"bytes"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"
)

// A part of scripts/walkthrough.sh: the lines after its "# README: NAME" line.
type walkPart struct {
	name string
	text string
}

var partMarker = regexp.MustCompile(`^# README: (\S+)$`)

// scriptParts splits the walk-through script at its markers; the lines before the first
// (the shebang, set -e) and the parts named "-" are not in the README.
func scriptParts(t *testing.T, script string) []walkPart {
	t.Helper()
	var parts []walkPart
	for line := range strings.Lines(script) {
		if m := partMarker.FindStringSubmatch(strings.TrimSuffix(line, "\n")); m != nil {
			parts = append(parts, walkPart{name: m[1]})
			continue
		}
		if len(parts) > 0 {
			parts[len(parts)-1].text += line
		}
	}
	for i := range parts {
		parts[i].text = strings.TrimRight(parts[i].text, "\n") + "\n"
	}
	return slices.DeleteFunc(parts, func(p walkPart) bool { return p.name == "-" })
}

var readmeMarker = regexp.MustCompile(`^( *)<!-- walkthrough: (\S+) -->$`)

// readmeParts returns the README's walk-through blocks: after a "<!-- walkthrough: NAME -->"
// line, the fenced sh block on the next line, without the fence's indentation (a block
// inside a list item is indented with it).
func readmeParts(t *testing.T, readme string) []walkPart {
	t.Helper()
	var parts []walkPart
	sc := bufio.NewScanner(strings.NewReader(readme))
	for sc.Scan() {
		m := readmeMarker.FindStringSubmatch(sc.Text())
		if m == nil {
			continue
		}
		indent, name := m[1], m[2]
		if !sc.Scan() || sc.Text() != indent+"```sh" {
			t.Fatalf("README: <!-- walkthrough: %s --> is not followed by a ```sh block", name)
		}
		var text strings.Builder
		for {
			if !sc.Scan() {
				t.Fatalf("README: the block of %s does not end", name)
			}
			line := sc.Text()
			if line == indent+"```" {
				break
			}
			if line != "" && !strings.HasPrefix(line, indent) {
				t.Fatalf("README: a line of the block of %s is not indented like its fence: %q", name, line)
			}
			text.WriteString(strings.TrimPrefix(line, indent) + "\n")
		}
		parts = append(parts, walkPart{name: name, text: text.String()})
	}
	return parts
}

// The README's walk-through is scripts/walkthrough.sh, part by part in the same order,
// and the script runs as written: against binaries it builds, on a fresh database, every
// command succeeds (the script stops at the first failure) and shows what the README says
// it shows.
func TestWalkthrough(t *testing.T) {
	script := readFile(t, "../../scripts/walkthrough.sh")
	readme := readFile(t, "../../README.md")
	want, got := scriptParts(t, script), readmeParts(t, readme)
	names := func(ps []walkPart) (out []string) {
		for _, p := range ps {
			out = append(out, p.name)
		}
		return out
	}
	if !slices.Equal(names(got), names(want)) {
		t.Fatalf("README's walk-through parts %v, the script's %v (same names, same order)", names(got), names(want))
	}
	for i := range want {
		if got[i].text != want[i].text {
			t.Errorf("README's block %q differs from scripts/walkthrough.sh's part:\n--- README\n%s--- script\n%s", want[i].name, got[i].text, want[i].text)
		}
	}
	grpcurlVersion := regexp.MustCompile(`github.com/fullstorydev/grpcurl (v\S+)`).FindStringSubmatch(readFile(t, "testdata/grpcurl/go.mod"))
	if grpcurlVersion == nil || !strings.Contains(readme, "grpcurl/cmd/grpcurl@"+grpcurlVersion[1]) {
		t.Errorf("the README does not name the grpcurl the test runs (%v)", grpcurlVersion)
	}
	if t.Failed() {
		return
	}
	if testing.Short() {
		t.Skip("builds the binaries and grpcurl and runs the walk-through: skipped under -short")
	}

	// grpcurl, at the version testdata/grpcurl pins, on the script's PATH.
	bin := t.TempDir()
	goCmd(t, "testdata/grpcurl", "build", "-o", filepath.Join(bin, "grpcurl"), "github.com/fullstorydev/grpcurl/cmd/grpcurl")

	root, err := filepath.Abs("../..")
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.CommandContext(t.Context(), "bash", "scripts/walkthrough.sh")
	cmd.Dir = root
	// A clean environment for the service: none of the caller's PPKS_ settings, free
	// loopback ports, and mktemp's directory in the test's.
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "PPKS_") && !strings.HasPrefix(kv, "PATH=") && !strings.HasPrefix(kv, "TMPDIR=") {
			cmd.Env = append(cmd.Env, kv)
		}
	}
	addrs := freeAddrs(t, 2)
	cmd.Env = append(cmd.Env, "PATH="+bin+string(os.PathListSeparator)+os.Getenv("PATH"), "TMPDIR="+t.TempDir(),
		"PPKS_HTTP_ADDR="+addrs[0], "PPKS_GRPC_ADDR="+addrs[1])
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	// Its own process group, so that nothing it started outlives the test, whatever happens.
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	cmd.Cancel = func() error { return syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL) }
	cmd.WaitDelay = 5 * time.Second
	start := time.Now()
	err = cmd.Run()
	if cmd.Process != nil {
		_ = syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
	}
	out := stdout.String()
	if err != nil {
		t.Fatalf("scripts/walkthrough.sh: %v\n--- stdout (end)\n%s\n--- stderr\n%s", err, tail(out, 4000), stderr.String())
	}
	t.Logf("walk-through ran in %s", time.Since(start).Round(time.Second))

	// protojson puts a space after some commas, differently from one build to the next
	// (on purpose, so that nobody compares its bytes): match the JSON without it.
	out = regexp.MustCompile(`, (["{\[])`).ReplaceAllString(out, ",$1")
	for _, w := range []struct{ what, pattern string }{
		{"the 2024 indicator", `"total":653,"uniquePersons":588,"target":580,"achievementPercent":112.59,"rating":"Sangat Berhasil"`},
		{"a person registered", `"fullName":"Siti Aminah"`},
		{"the address corrected with the etag read", `"address":"Jl. Baru No. 1"`},
		{"the intervention voided", `"state":"INTERVENTION_STATE_VOIDED"`},
		{"the case closed", `"state":"CASE_STATE_CLOSED","outcome":"CASE_OUTCOME_GRADUATED"`},
		{"the 2025 target set by the administrator", `/targets/2025","year":2025,"value":600,"renstraValue":600`},
		{"grpcurl's health check", `"status": "SERVING"`},
		{"grpcurl's indicator", `"total": 653`},
		{"grpcurl's create", `"fullName": "Baso Dg. Sese"`},
		{"the supervisor's reads in the audit log", `"username":"kabid","role":"ROLE_SUPERVISOR"`},
		{"the worker signed in with their token", `"name":"users/petugas.sombaopu","displayName":"Nurul Hikmah","role":"ROLE_WORKER"`},
		{"the worker's token revoked", `"description":"HP lapangan","expireTime":"[^"]+","createTime":"[^"]+","revokeTime":"`},
		{"the worker disabled", `"disabled":true`},
		{"a token revoked by its name", `revoked users/perencana/tokens/`},
		{"the verification", `"verification":"VERIFICATION_STATE_VERIFIED"`},
		{"the likely duplicate", `"candidates":\[\{"beneficiary":\{"name":"beneficiaries/`},
		{"the year signed", `(?m)^[0-9a-f]{64}$`},
		{"the amendment", `"state":"AMENDMENT_STATE_OPEN"`},
		{"the late record", `"interventionType":"PENELUSURAN_KELUARGA"`},
		{"the figures changed since the lock", `"figureChanges":\[\{`},
		{"the amendment closed", `"state":"AMENDMENT_STATE_CLOSED"`},
		{"the report's files", `(?m)^lkjip-2024\.xlsx$`},
		{"the backup", `backed up .*ppks-backup\.db`},
		{"the recount", `(?m)^no difference$`},
	} {
		if !regexp.MustCompile(w.pattern).MatchString(out) {
			t.Errorf("the walk-through does not show %s (%s)", w.what, w.pattern)
		}
	}
	if n := strings.Count(out, `"status":"SYNC_STATUS_CREATED"`); n != 3 || strings.Contains(out, "SYNC_STATUS_FAILED") {
		t.Errorf("batch sync: %d items created, want all 3", n)
	}
	if strings.Contains(stderr.String(), "skipping its examples") {
		t.Error("the grpcurl examples were skipped")
	}
	if t.Failed() {
		t.Logf("--- stdout\n%s", out)
	}
}

// freeAddrs returns n loopback addresses whose ports were free a moment ago.
func freeAddrs(t *testing.T, n int) []string {
	t.Helper()
	var addrs []string
	for range n {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		defer l.Close() // held until all are chosen: n different ports
		addrs = append(addrs, l.Addr().String())
	}
	return addrs
}

func tail(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return "…" + s[len(s)-n:]
}
