package policy

import "slices"

// Origins is the set of browser origins the policies admit, as CORS needs
// it: Any admits every origin, otherwise List holds the admitted ones.
type Origins struct {
	Any  bool
	List []string
}

// Admits reports whether origin may call the guard from a browser.
func (o Origins) Admits(origin string) bool {
	return o.Any || slices.Contains(o.List, origin)
}
