package main

import (
	"net/http"
	"path/filepath"
	"testing"
)

// TestE2EDoorReachesPolicy: a rule may tell the doors apart. One that
// refuses writes through the SCAPI envelope lets the same write through the
// REST route, and neither door sees a media type.
func TestE2EDoorReachesPolicy(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	mustWrite(t, filepath.Join(dir, "doors.rego"), `package wwe.access

deny contains {"code": "NO_SCAPI_WRITES", "message": "write through REST"} if {
	input.door == "scapi"
	input.operation == "setUserData"
}

deny contains {"code": "MEDIA_TYPE", "message": "no media type here"} if input.mediaType != null
`)
	base := startGuard(t, "--config", writeConfig(t, "", "policies:\n  paths: ["+dir+"]\n"))
	send(t, http.MethodPatch, base+"/v1/interactions/1/user-data", `{"Notes":"rest"}`).expect(t, http.StatusOK, "")
	got := send(t, http.MethodPost, base+"/v1/scapi", envelope()).expect(t, http.StatusForbidden, "REQUEST_NOT_ALLOWED")
	if got.body["errorMessage"] != "write through REST" {
		t.Errorf("errorMessage = %v, want the rule's message", got.body["errorMessage"])
	}
	send(t, http.MethodPost, base+"/v1/scapi", `{"request":"interaction.getInteractions","referenceId":"g"}`).expect(t, http.StatusOK, "")
}
