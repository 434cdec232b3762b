package api

import "strings"

// isV3Path reports whether a request goes to the Workspace API v3 door.
func isV3Path(path string) bool {
	return strings.HasPrefix(path, "/workspace/") || strings.HasPrefix(path, "/auth/")
}
