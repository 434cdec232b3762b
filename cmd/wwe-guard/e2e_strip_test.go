package main

import (
	"net/http"
	"path/filepath"
	"testing"
)

// taxIDRules refuse keys in ways strip mode cannot cut: a reported key that
// is not byte for byte the written one, an empty key, and no key at all.
const taxIDRules = `package wwe.userdata

deny contains {"key": "TaxId", "code": "NO_TAX_ID", "message": "tax ids may not be stored"} if {
	some w in input.writes
	lower(w.key) == "taxid"
}

deny contains {"key": "", "code": "NO_EMPTY_KEY", "message": "no"} if {
	some w in input.writes
	w.key == "EmptyKey"
}

deny contains {"code": "NO_KEY", "message": "no"} if {
	some w in input.writes
	w.key == "Keyless"
}
`

// TestE2EStripForwardsOnlyExactCuts: in strip mode a write is forwarded
// only when every denied key is byte for byte a key of the write and is cut;
// a refusal strip cannot cut (a key reported in another spelling, an empty
// key, a reason without a key) refuses the whole write as reject mode does,
// on setUserData and on consult, and nothing reaches the service.
func TestE2EStripForwardsOnlyExactCuts(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	mustWrite(t, filepath.Join(dir, "taxid.rego"), taxIDRules)
	options := `
  service-client-api.user-data.write-allowed: "*"
  service-client-api.user-data.read-allowed: "*"
`
	base := startGuard(t, "--config", writeConfig(t, options, "userDataMode: strip\npolicies:\n  paths: ["+dir+"]\n"))
	patch := func(body string) reply {
		return send(t, http.MethodPatch, base+"/v1/interactions/1/user-data", body)
	}

	// The exact key is cut and the rest forwarded.
	r := patch(`{"Notes":"a","TaxId":"1"}`).expect(t, http.StatusOK, "")
	if got := r.header.Get("X-Denied-Keys"); got != `["TaxId"]` || r.userData()["Notes"] != "a" || r.userData()["TaxId"] != nil {
		t.Fatalf("exact cut: X-Denied-Keys %q, body %s", got, r.raw)
	}
	before := snapshot(t, base)

	for _, tt := range []struct{ body, code string }{
		{`{"Notes":"b","taxid":"1"}`, "USER_DATA_WRITE_NOT_ALLOWED"},
		{`{"Notes":"c","EmptyKey":"1"}`, "USER_DATA_WRITE_NOT_ALLOWED"},
		{`{"Notes":"d","Keyless":"1","TaxId":"1"}`, "USER_DATA_WRITE_NOT_ALLOWED"},
		{`{"Notes":"e","Keyless":"1"}`, "REQUEST_NOT_ALLOWED"},
	} {
		r := patch(tt.body).expect(t, http.StatusForbidden, tt.code)
		if r.header.Get("X-Denied-Keys") != "" {
			t.Errorf("%s: refused write says it was cut: %s", tt.body, r.header.Get("X-Denied-Keys"))
		}
	}
	send(t, http.MethodPost, base+"/v1/interactions/1/consult", `{"target":"+15551234","userData":{"Notes":"f","taxid":"1"}}`).
		expect(t, http.StatusForbidden, "USER_DATA_WRITE_NOT_ALLOWED")
	if after := snapshot(t, base); after != before {
		t.Fatalf("a refused write reached the service:\nbefore %s\nafter  %s", before, after)
	}

	r = send(t, http.MethodPost, base+"/v1/interactions/1/consult", `{"target":"+15551234","userData":{"Notes":"g","TaxId":"1"}}`).expect(t, http.StatusOK, "")
	if r.userData()["Notes"] != "g" || r.userData()["TaxId"] != nil {
		t.Errorf("consult with an exact cut: %s", r.raw)
	}
}
