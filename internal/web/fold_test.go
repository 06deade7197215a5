package web

import (
	"encoding/json"
	"os"
	"os/exec"
	"strings"
	"testing"

	"github.com/opendinsos/ppks/internal/ppks"
)

// The offline pages fold names as ppks.MatchKey does (the duplicate warning and search
// on the phone agree with the service's), with the rules the session carries. The
// script's fold runs in node, which CI has; elsewhere the test skips and says so.
func TestOfflineFoldIsMatchKey(t *testing.T) {
	node, err := exec.LookPath("node")
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal("node is not installed: CI needs it (it checks the scripts too)")
		}
		t.Skip("SKIPPING: node is not installed")
	}
	src, err := staticFS.ReadFile("static/offline.js")
	if err != nil {
		t.Fatal(err)
	}
	js := string(src)
	start, end := strings.Index(js, "  function replaceOnce("), strings.Index(js, "  async function openCase(")
	if start < 0 || end < start {
		t.Fatal("offline.js has no replaceOnce and fold before openCase")
	}
	names := []string{"Hj. Siti Aminah, S.Pd", "Sitti Aminah", "Muh. Yusuf Dg. Sese", "Muhammad Jusuf Daeng Sese",
		"Soekarno", "Djamaluddin", "Tjahja Nasution", "Andi Baso", "Hasanuddin", "ABD. RAHMAN", "Ny. Nurhayati",
		"Syamsjuddin", "Ndjamal", "  ", "Łukasz Ñandú", "Bapak Haji Sjamsul"}
	rules, _ := json.Marshal(ppks.NameFoldingRules())
	list, _ := json.Marshal(names)
	prog := "var session = {nameFolding: " + string(rules) + "};\n" + js[start:end] +
		"\nprocess.stdout.write(JSON.stringify(" + string(list) + ".map(fold)));\n"
	out, err := exec.Command(node, "-e", prog).Output()
	if err != nil {
		t.Fatalf("node: %v", err)
	}
	var got []string
	if err := json.Unmarshal(out, &got); err != nil || len(got) != len(names) {
		t.Fatalf("node printed %q: %v", out, err)
	}
	for i, n := range names {
		if want := ppks.MatchKey(n); got[i] != want {
			t.Errorf("fold(%q) = %q in the page, MatchKey = %q in the service", n, got[i], want)
		}
	}
}
