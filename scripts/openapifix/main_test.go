package main

import (
	"bytes"
	"encoding/json"
	"os"
	"strings"
	"testing"
)

// A document as the plugin writes it: a collection ending in "ies" whose body has the
// singular's name, a parameter a pattern of literals consumed, a package-qualified name,
// a wrapper nothing uses.
const plugin = `{
  "swagger": "2.0",
  "paths": {
    "/v1/beneficiaries/{beneficiarie}:merge": {
      "post": {
        "responses": {
          "200": {
            "schema": {
              "$ref": "#/definitions/Beneficiary"
            }
          }
        },
        "parameters": [
          {
            "name": "beneficiarie",
            "in": "path",
            "required": true,
            "type": "string"
          },
          {
            "name": "beneficiary",
            "in": "body",
            "schema": {
              "$ref": "#/definitions/MergeBody"
            }
          }
        ]
      }
    },
    "/v1/indicators/penurunan-ppks/targets": {
      "get": {
        "parameters": [
          {
            "name": "parent",
            "in": "path",
            "required": true,
            "type": "string"
          }
        ],
        "responses": {}
      }
    }
  },
  "definitions": {
    "Beneficiary": {
      "type": "object",
      "properties": {
        "verification": {
          "$ref": "#/definitions/v1.VerificationState"
        }
      }
    },
    "GetBeneficiaryResponse": {
      "type": "object",
      "properties": {
        "beneficiary": {
          "$ref": "#/definitions/Beneficiary"
        }
      }
    },
    "MergeBody": {
      "type": "object"
    },
    "v1.VerificationState": {
      "type": "string",
      "description": "a \u003c b"
    }
  }
}
`

func TestFix(t *testing.T) {
	out, err := fix([]byte(plugin))
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Paths       map[string]map[string]struct{ Parameters []struct{ Name, In string } }
		Definitions map[string]json.RawMessage
	}
	if err := json.Unmarshal(out, &doc); err != nil {
		t.Fatal(err)
	}
	merge, ok := doc.Paths["/v1/beneficiaries/{beneficiary}:merge"]
	if !ok || merge["post"].Parameters[0].Name != "beneficiary" {
		t.Errorf("the person's parameter is not {beneficiary}:\n%s", out)
	}
	if !ok || merge["post"].Parameters[1].Name != "body" {
		t.Errorf("the body has the name of a path parameter:\n%s", out)
	}
	if p := doc.Paths["/v1/indicators/penurunan-ppks/targets"]["get"].Parameters; len(p) != 0 {
		t.Errorf("parameters not in the path remain: %v", p)
	}
	var names []string
	for n := range doc.Definitions {
		names = append(names, n)
	}
	if len(names) != 3 || doc.Definitions["VerificationState"] == nil || doc.Definitions["GetBeneficiaryResponse"] != nil {
		t.Errorf("definitions = %v, want Beneficiary, MergeBody, VerificationState", names)
	}
	if !strings.Contains(string(out), `"$ref": "#/definitions/VerificationState"`) || !strings.Contains(string(out), `a \u003c b`) {
		t.Errorf("reference or raw string not kept:\n%s", out)
	}
	// The plugin's order and indentation are kept: paths before definitions, the
	// responses of the merge before its parameters.
	if i, j := strings.Index(string(out), `"paths"`), strings.Index(string(out), `"definitions"`); i > j {
		t.Errorf("keys reordered:\n%s", out)
	}
	if !strings.Contains(string(out), "\n        \"responses\": {\n") {
		t.Errorf("indentation changed:\n%s", out)
	}
}

// The committed document is what fix makes of itself: gen/ was generated through it.
func TestCommittedDocumentIsFixed(t *testing.T) {
	doc, err := os.ReadFile("../../gen/openapi/ppks.swagger.json")
	if err != nil {
		t.Fatal(err)
	}
	out, err := fix(doc)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(out, doc) {
		t.Error("fix changes gen/openapi/ppks.swagger.json: run scripts/gen.sh")
	}
}
