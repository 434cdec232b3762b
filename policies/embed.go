// Package policies embeds the bundled Rego policies: the entry point
// data.wwe.guard.decision and the shipped rules of each extension point.
package policies

import "embed"

// FS holds every bundled .rego file, by its path below policies/.
//
//go:embed guard/*.rego lib/*.rego userdata/*.rego markdone/*.rego access/*.rego
var FS embed.FS
