// Command openapifix finishes the OpenAPI v2 document protoc-gen-openapiv2 writes (run by
// scripts/gen.sh after buf generate), where the plugin has no option for it:
//
//   - path parameters named from their collection: expand_slashed_path_patterns drops a
//     final "s" ("beneficiaries/{beneficiarie}"); a collection ending in "ies" gets "y"
//     ("beneficiaries/{beneficiary}").
//   - path parameters a pattern of literals only consumed whole
//     ("{parent=indicators/penurunan-ppks}/targets" is "/v1/indicators/penurunan-ppks/targets")
//     stay in the plugin's parameters though they are no longer in the path: dropped.
//   - a body parameter named like a path parameter of its operation (PATCH
//     /v1/users/{user} with the body "user") is named "body", as the plugin names the
//     body of `body: "*"`: a generated client would have two fields of one name. The
//     name of a body parameter is not sent.
//   - definitions the simple naming strategy qualified with a package because of a type
//     that is not in the document (ppks.v1.VerificationState against
//     google.protobuf.ExtensionRangeOptions.VerificationState) get their short name back
//     when no other definition has it.
//   - definitions no operation reaches are dropped: the wrapper responses whose body is one
//     field (response_body), and enums used only as query parameters, which a validator
//     reports as unused.
//
// It keeps the plugin's order of keys and its indentation, so the document stays
// reviewable in a diff.
//
//	go run ./scripts/openapifix gen/openapi/ppks.swagger.json
package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"slices"
	"strings"
)

func main() {
	if len(os.Args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: openapifix FILE.swagger.json")
		os.Exit(2)
	}
	if err := fixFile(os.Args[1]); err != nil {
		fmt.Fprintln(os.Stderr, "openapifix:", err)
		os.Exit(1)
	}
}

func fixFile(path string) error {
	in, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	out, err := fix(in)
	if err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	return os.WriteFile(path, out, 0o644)
}

// fix returns the finished document.
func fix(doc []byte) ([]byte, error) {
	root, err := parse(doc)
	if err != nil {
		return nil, err
	}
	if root.obj == nil {
		return nil, errors.New("not a JSON object")
	}
	if paths := root.get("paths"); paths != nil {
		nameParameters(paths)
		dropAbsentParameters(paths)
		nameBodies(paths)
	}
	defs := root.get("definitions")
	if defs == nil {
		return encode(root)
	}
	shortenNames(root, defs)
	prune(root, defs)
	return encode(root)
}

// nameParameters renames the path parameters of collections ending in "ies", in the path
// templates and in the parameters of their operations.
func nameParameters(paths *value) {
	for i := range paths.obj {
		p := &paths.obj[i]
		renames := map[string]string{}
		segs := strings.Split(p.key, "/")
		for j := 1; j < len(segs); j++ {
			param, rest, ok := braced(segs[j])
			coll := segs[j-1]
			if !ok || !strings.HasSuffix(coll, "ies") || param != strings.TrimSuffix(coll, "s") {
				continue
			}
			singular := strings.TrimSuffix(coll, "ies") + "y"
			renames[param] = singular
			segs[j] = "{" + singular + "}" + rest
		}
		if len(renames) == 0 {
			continue
		}
		p.key = strings.Join(segs, "/")
		for _, op := range p.val.obj {
			params := op.val.get("parameters")
			if params == nil {
				continue
			}
			for _, prm := range params.arr {
				if prm.str("in") != "path" {
					continue
				}
				if to, ok := renames[prm.str("name")]; ok {
					prm.set("name", to)
				}
			}
		}
	}
}

// dropAbsentParameters drops the path parameters that are not in their path.
func dropAbsentParameters(paths *value) {
	for _, p := range paths.obj {
		for _, op := range p.val.obj {
			params := op.val.get("parameters")
			if params == nil {
				continue
			}
			params.arr = slices.DeleteFunc(params.arr, func(prm *value) bool {
				return prm.str("in") == "path" && !strings.Contains(p.key, "{"+prm.str("name")+"}")
			})
		}
	}
}

// nameBodies renames the body parameters that have the name of a path parameter.
func nameBodies(paths *value) {
	for _, p := range paths.obj {
		for _, op := range p.val.obj {
			params := op.val.get("parameters")
			if params == nil {
				continue
			}
			inPath := map[string]bool{}
			for _, prm := range params.arr {
				if prm.str("in") == "path" {
					inPath[prm.str("name")] = true
				}
			}
			for _, prm := range params.arr {
				if prm.str("in") == "body" && inPath[prm.str("name")] {
					prm.set("name", "body")
				}
			}
		}
	}
}

// braced splits a path segment "{name}:verb" into name and ":verb".
func braced(seg string) (name, rest string, ok bool) {
	if !strings.HasPrefix(seg, "{") {
		return "", "", false
	}
	end := strings.IndexByte(seg, '}')
	if end < 0 {
		return "", "", false
	}
	return seg[1:end], seg[end+1:], true
}

const refPrefix = "#/definitions/"

// shortenNames gives package-qualified definitions their short name when it is free.
func shortenNames(root, defs *value) {
	taken := map[string]bool{}
	for _, d := range defs.obj {
		taken[d.key] = true
	}
	renames := map[string]string{}
	for i := range defs.obj {
		d := &defs.obj[i]
		dot := strings.LastIndexByte(d.key, '.')
		if dot < 0 || taken[d.key[dot+1:]] {
			continue
		}
		short := d.key[dot+1:]
		taken[short] = true
		renames[refPrefix+d.key] = refPrefix + short
		d.key = short
	}
	if len(renames) == 0 {
		return
	}
	slices.SortFunc(defs.obj, func(a, b member) int { return strings.Compare(a.key, b.key) })
	root.walk(func(v *value) {
		if to, ok := renames[v.str("$ref")]; ok {
			v.set("$ref", to)
		}
	})
}

// prune drops the definitions that nothing outside the definitions reaches.
func prune(root, defs *value) {
	byName := map[string]*value{}
	for _, d := range defs.obj {
		byName[d.key] = d.val
	}
	used := map[string]bool{}
	var reach func(v *value)
	reach = func(v *value) {
		v.walk(func(n *value) {
			name, ok := strings.CutPrefix(n.str("$ref"), refPrefix)
			if !ok || used[name] || byName[name] == nil {
				return
			}
			used[name] = true
			reach(byName[name])
		})
	}
	for _, m := range root.obj {
		if m.key != "definitions" {
			reach(m.val)
		}
	}
	defs.obj = slices.DeleteFunc(defs.obj, func(m member) bool { return !used[m.key] })
}

// value is a JSON value that keeps the order of its object's keys: an object (obj, never
// nil for an object), an array (arr, likewise), or a scalar kept as its raw text.
type value struct {
	obj []member
	arr []*value
	raw json.RawMessage
}

type member struct {
	key string
	val *value
}

func parse(data []byte) (*value, error) {
	data = bytes.TrimSpace(data)
	switch {
	case len(data) == 0:
		return nil, errors.New("empty value")
	case data[0] == '{':
		v := &value{obj: []member{}}
		dec := json.NewDecoder(bytes.NewReader(data))
		if _, err := dec.Token(); err != nil {
			return nil, err
		}
		for dec.More() {
			t, err := dec.Token()
			if err != nil {
				return nil, err
			}
			var raw json.RawMessage
			if err := dec.Decode(&raw); err != nil {
				return nil, err
			}
			child, err := parse(raw)
			if err != nil {
				return nil, err
			}
			v.obj = append(v.obj, member{key: t.(string), val: child})
		}
		return v, nil
	case data[0] == '[':
		var raws []json.RawMessage
		if err := json.Unmarshal(data, &raws); err != nil {
			return nil, err
		}
		v := &value{arr: []*value{}}
		for _, r := range raws {
			child, err := parse(r)
			if err != nil {
				return nil, err
			}
			v.arr = append(v.arr, child)
		}
		return v, nil
	default:
		return &value{raw: slices.Clone(data)}, nil
	}
}

// get returns the value of an object's key, or nil.
func (v *value) get(key string) *value {
	for _, m := range v.obj {
		if m.key == key {
			return m.val
		}
	}
	return nil
}

// str returns an object's string member, or "".
func (v *value) str(key string) string {
	c := v.get(key)
	if c == nil || c.raw == nil {
		return ""
	}
	var s string
	if json.Unmarshal(c.raw, &s) != nil {
		return ""
	}
	return s
}

// set replaces an object's existing string member.
func (v *value) set(key, s string) {
	raw, _ := json.Marshal(s)
	v.get(key).raw = raw
}

// walk calls f on v and every value inside it.
func (v *value) walk(f func(*value)) {
	f(v)
	for _, m := range v.obj {
		m.val.walk(f)
	}
	for _, a := range v.arr {
		a.walk(f)
	}
}

// encode writes the document as the plugin does: json.MarshalIndent's two-space
// indentation and a final newline.
func encode(v *value) ([]byte, error) {
	var compact bytes.Buffer
	if err := v.write(&compact); err != nil {
		return nil, err
	}
	var out bytes.Buffer
	if err := json.Indent(&out, compact.Bytes(), "", "  "); err != nil {
		return nil, err
	}
	out.WriteByte('\n')
	return out.Bytes(), nil
}

func (v *value) write(b *bytes.Buffer) error {
	switch {
	case v.obj != nil:
		b.WriteByte('{')
		for i, m := range v.obj {
			if i > 0 {
				b.WriteByte(',')
			}
			k, err := json.Marshal(m.key)
			if err != nil {
				return err
			}
			b.Write(k)
			b.WriteByte(':')
			if err := m.val.write(b); err != nil {
				return err
			}
		}
		b.WriteByte('}')
	case v.arr != nil:
		b.WriteByte('[')
		for i, a := range v.arr {
			if i > 0 {
				b.WriteByte(',')
			}
			if err := a.write(b); err != nil {
				return err
			}
		}
		b.WriteByte(']')
	default:
		if err := json.Compact(b, v.raw); err != nil {
			return err
		}
	}
	return nil
}
