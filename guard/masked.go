package guard

import (
	"slices"
	"strconv"
	"strings"

	"github.com/wwe-guard/wwe-guard/internal/policy"
	"github.com/wwe-guard/wwe-guard/internal/wwe"
)

// masked replaces every user-data value in a decision log entry.
const masked = "***"

// maskedPaths lists, as JSON pointers in OPA's decision-log `masked` field,
// the values of the input that a masked entry replaces with "***": every
// user-data value, and every attribute of the interaction that is not one
// of the modelled non-user-data fields (ids, state, types, flags, version):
// ani, dnis, parties and the attributes the guard does not model. Replay
// reads it to know which inputs lost their values.
func maskedPaths(in *policy.Input) []string {
	var paths []string
	for i, w := range in.Writes {
		if w.Op == policy.WriteSet {
			paths = append(paths, "/input/writes/"+strconv.Itoa(i)+"/value")
		}
	}
	paths = appendKeys(paths, "/input/keyValues/", in.KeyValues)
	paths = appendKeys(paths, "/input/extensions/", in.Extensions)
	if in.Target != nil {
		paths = append(paths, "/input/target")
	}
	if it := in.Interaction; it != nil {
		paths = appendKeys(paths, "/input/interaction/userData/", it.UserData)
		start := len(paths)
		if it.ANI != "" {
			paths = append(paths, "/input/interaction/ani")
		}
		if it.DNIS != "" {
			paths = append(paths, "/input/interaction/dnis")
		}
		if len(it.Parties) > 0 {
			paths = append(paths, "/input/interaction/parties")
		}
		for k := range it.Extra {
			if !wwe.Modelled(k) {
				paths = append(paths, "/input/interaction/"+pointerEscaper.Replace(k))
			}
		}
		slices.Sort(paths[start:])
	}
	return paths
}

// pointerEscaper escapes a JSON pointer token (RFC 6901).
var pointerEscaper = strings.NewReplacer("~", "~0", "/", "~1")

func appendKeys(paths []string, prefix string, u wwe.UserData) []string {
	start := len(paths)
	for k := range u {
		paths = append(paths, prefix+pointerEscaper.Replace(k))
	}
	slices.Sort(paths[start:])
	return paths
}
