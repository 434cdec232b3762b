package service

import (
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/wwe-guard/wwe-guard/internal/suggest"
	"github.com/wwe-guard/wwe-guard/internal/wwe"
)

// vendorPrefix starts the name of a vendor attribute a seed may carry: the
// reference service keeps it and reports it unchanged, as a real service's
// extension. Any other name a seed carries must be a modelled attribute, so
// a misspelt one ("anii") is reported instead of becoming an attribute.
const vendorPrefix = "x-"

// Closed lists of values DESIGN.md §1.1 gives; a seed may use no other.
var (
	seedDirections      = []string{wwe.DirectionIn, wwe.DirectionOut, wwe.DirectionUnknown}
	seedCallTypes       = []string{wwe.CallTypeInternal, wwe.CallTypeInbound, wwe.CallTypeOutbound, wwe.CallTypeConsult, wwe.CallTypeUnknown}
	seedRecordingStates = []string{wwe.RecordingStopped, wwe.RecordingRecording, wwe.RecordingPaused}
)

// seedProblems lists what is wrong with a seed entry beyond its required
// fields: unknown attributes (with the nearest documented name), values
// outside a closed list, parties without a name.
func seedProblems(it *wwe.Interaction) []string {
	var problems []string
	for _, name := range slices.Sorted(maps.Keys(it.Extra)) {
		if strings.HasPrefix(strings.ToLower(name), vendorPrefix) {
			continue
		}
		msg := fmt.Sprintf("unknown field %q", name)
		if near := nearest(name, wwe.ModelledAttributes()); near != "" {
			msg += fmt.Sprintf(" (did you mean %q?)", near)
		} else {
			msg += " (a vendor attribute's name starts with \"" + vendorPrefix + "\")"
		}
		problems = append(problems, msg)
	}
	for _, f := range []struct {
		name, value string
		allowed     []string
	}{
		{"direction", it.Direction, seedDirections},
		{"callType", it.CallType, seedCallTypes},
		{"recordingState", it.RecordingState, seedRecordingStates},
	} {
		if f.value != "" && !slices.Contains(f.allowed, f.value) {
			problems = append(problems, fmt.Sprintf("%s %q is not one of %s", f.name, f.value, strings.Join(f.allowed, ", ")))
		}
	}
	for i, p := range it.Parties {
		if p.Name == "" {
			problems = append(problems, fmt.Sprintf("parties[%d]: name is required", i))
		}
	}
	return problems
}

// nearest returns the name in names closest to s (case-insensitive edit
// distance at most a third of its length, and at least 1), or "".
func nearest(s string, names []string) string {
	if best, d := suggest.Nearest(s, names); d >= 0 && d <= len(s)/3 {
		return best
	}
	return ""
}
