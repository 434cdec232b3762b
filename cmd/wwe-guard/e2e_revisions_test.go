package main

import (
	"net/http"
	"testing"
)

// TestE2ERevisionsAcrossRestart: the guard decides a write on the last
// revision of the interaction it saw. After the service restarts, versions
// start again at 1, so a remembered version can match another state; the
// revision's ETag names the service's lifetime too, so the service refuses
// the stale condition and the guard decides on what is there now.
func TestE2ERevisionsAcrossRestart(t *testing.T) {
	t.Parallel()
	up := startUpstream(t)
	base, _ := startSidecar(t, up.url)

	// Through the guard: the disposition is set (revision 2 remembered).
	r := send(t, http.MethodPatch, base+"/v1/interactions/1/user-data", `{"DispositionCode":"Sale"}`).expect(t, http.StatusOK, "")
	if r.body["version"] != float64(2) {
		t.Fatalf("write answered version %v, want 2", r.body["version"])
	}
	if r.header.Get("ETag") == "" {
		t.Error("the write's answer has no ETag")
	}
	// The service restarts (no disposition, version 1) and another client
	// writes to it directly: version 2 again, still without a disposition.
	up.restart()
	direct := send(t, http.MethodPatch, up.url+"/v1/interactions/1/user-data", `{"Notes":"elsewhere"}`).expect(t, http.StatusOK, "")
	if direct.body["version"] != float64(2) || direct.userData()["DispositionCode"] != nil {
		t.Fatalf("direct write: %s", direct.raw)
	}

	// Markdone must be decided on the interaction as it is: no disposition.
	send(t, http.MethodPost, base+"/v1/interactions/1/markdone", "").expect(t, http.StatusConflict, "MARKDONE_BLOCKED")
	if it := send(t, http.MethodGet, up.url+"/v1/interactions/1", "").expect(t, http.StatusOK, ""); it.body["state"] != "TALKING" {
		t.Fatalf("markdone without a disposition reached the service: %s", it.raw)
	}
	// With the disposition set again, the same markdone goes through.
	send(t, http.MethodPatch, base+"/v1/interactions/1/user-data", `{"DispositionCode":"Sale"}`).expect(t, http.StatusOK, "")
	send(t, http.MethodPost, base+"/v1/interactions/1/markdone", "").expect(t, http.StatusOK, "")
}
