// Package policies embeds the bundled Rego policies: the entry point
// data.wwe.guard.decision, the shipped rules of each extension point, and
// the JSON Schemas the rules are type-checked against.
package policies

import (
	"embed"
	"io/fs"
)

// FS holds every bundled .rego file, by its path below policies/.
//
//go:embed *.rego guard/*.rego lib/*.rego userdata/*.rego markdone/*.rego access/*.rego
var FS embed.FS

//go:embed schemas
var schemas embed.FS

// Schemas holds the JSON Schemas by their path below policies/schemas/:
// input.json is schema.input, wwe/options.json is schema.wwe.options.
var Schemas fs.FS = mustSub(schemas, "schemas")

func mustSub(fsys fs.FS, dir string) fs.FS {
	sub, err := fs.Sub(fsys, dir)
	if err != nil {
		panic(err)
	}
	return sub
}
