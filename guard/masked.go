package guard

import (
	"slices"
	"strconv"
	"strings"

	"github.com/wwe-guard/wwe-guard/internal/wwe"
)

// masked replaces every user-data value in a decision log entry.
const masked = "***"

// maskedPaths lists, as JSON pointers in OPA's decision-log `masked` field,
// the user-data values of the input that a masked entry replaces with "***".
// Replay reads it to know which inputs lost their values.
func (in *Input) maskedPaths() []string {
	var paths []string
	for i, w := range in.Writes {
		if w.Op == WriteSet {
			paths = append(paths, "/input/writes/"+strconv.Itoa(i)+"/value")
		}
	}
	paths = appendKeys(paths, "/input/keyValues/", in.KeyValues)
	paths = appendKeys(paths, "/input/extensions/", in.Extensions)
	if in.Target != nil {
		paths = append(paths, "/input/target")
	}
	if in.Interaction != nil {
		paths = appendKeys(paths, "/input/interaction/userData/", in.Interaction.UserData)
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
