// Package suggest finds the known name closest to a misspelt one, for the
// "did you mean" of config and seed errors.
package suggest

import "strings"

// Nearest returns the name among names closest to s by edit distance,
// ignoring case, and that distance; the first such name on a tie (pass
// names sorted for a stable answer). With no names it returns "" and -1.
func Nearest(s string, names []string) (string, int) {
	best, bestDist := "", -1
	s = strings.ToLower(s)
	for _, n := range names {
		if d := distance(s, strings.ToLower(n)); bestDist < 0 || d < bestDist {
			best, bestDist = n, d
		}
	}
	return best, bestDist
}

// distance is the Levenshtein distance of a and b, byte by byte (the names
// compared are ASCII).
func distance(a, b string) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}
