package testkit

import (
	"os"
	"path/filepath"
	"testing"
)

// EachFile calls f with the path and the content of every file that the
// glob pattern matches, in lexical order. The test fails when the pattern
// is malformed, matches nothing, or a file cannot be read.
func EachFile(tb testing.TB, pattern string, f func(path string, src []byte)) {
	tb.Helper()
	paths, err := filepath.Glob(pattern)
	if err != nil {
		tb.Fatalf("%s: %v", pattern, err)
	}
	if len(paths) == 0 {
		tb.Fatalf("no file matches %s", pattern)
	}
	for _, path := range paths {
		src, err := os.ReadFile(path)
		if err != nil {
			tb.Fatal(err)
		}
		f(path, src)
	}
}
