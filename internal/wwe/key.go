package wwe

import (
	"strconv"
	"unicode"
	"unicode/utf8"
)

// KeyProblem says what is wrong with a user-data key or an identifier under
// the limits of DESIGN §2.4 — empty, longer than maxBytes, not UTF-8, or
// holding a control character — or "" when nothing is. Every door states
// its refusal in its own envelope around these words.
func KeyProblem(k string, maxBytes int) string {
	switch {
	case k == "":
		return "must not be empty"
	case len(k) > maxBytes:
		return "is longer than " + strconv.Itoa(maxBytes) + " bytes"
	case !utf8.ValidString(k):
		return "is not valid UTF-8"
	}
	for _, r := range k {
		if unicode.IsControl(r) {
			return "contains a control character"
		}
	}
	return ""
}
