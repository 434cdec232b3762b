package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// These tests start the real guard (run, on :0) against the embedded
// service and speak real HTTP to it. Every refusal re-reads the service and
// checks that nothing changed.

func TestE2EWrites(t *testing.T) {
	t.Parallel()
	base := startGuard(t, "--config", writeConfig(t, "", ""))

	r := send(t, http.MethodPatch, base+"/v1/interactions/1/user-data", `{"Notes":"called back","CustomerSegment":"platinum"}`).expect(t, http.StatusOK, "")
	if r.header.Get("X-Decision-Id") == "" {
		t.Error("allowed write has no X-Decision-Id")
	}
	if diff := cmp.Diff(map[string]any{"Notes": "called back", "CustomerSegment": "platinum"}, r.userData()); diff != "" {
		t.Errorf("userData after write (-want +got):\n%s", diff)
	}

	before := snapshot(t, base)
	r = send(t, http.MethodPatch, base+"/v1/interactions/1/user-data", `{"SSN":"078-05-1120","Notes":"x"}`).expect(t, http.StatusForbidden, "USER_DATA_WRITE_NOT_ALLOWED")
	if diff := cmp.Diff([]any{"SSN"}, r.body["deniedKeys"]); diff != "" {
		t.Errorf("deniedKeys (-want +got):\n%s", diff)
	}
	if r.body["decisionId"] == nil || r.header.Get("X-Decision-Id") != r.body["decisionId"] {
		t.Errorf("decision id header %q and body %v differ", r.header.Get("X-Decision-Id"), r.body["decisionId"])
	}
	if got := snapshot(t, base); got != before {
		t.Errorf("refused write changed the service:\nbefore %s\nafter  %s", before, got)
	}

	send(t, http.MethodDelete, base+"/v1/interactions/1/user-data/Secret", "").expect(t, http.StatusForbidden, "USER_DATA_WRITE_NOT_ALLOWED")
	send(t, http.MethodDelete, base+"/v1/interactions/1/user-data/Notes", "").expect(t, http.StatusOK, "")
	send(t, http.MethodDelete, base+"/v1/interactions/1/user-data/Notes", "").expect(t, http.StatusOK, "")

	before = snapshot(t, base)
	send(t, http.MethodPatch, base+"/v1/interactions/2/user-data", `{"Notes":"late"}`).expect(t, http.StatusConflict, "INTERACTION_NOT_LIVE")
	send(t, http.MethodPatch, base+"/v1/interactions/nope/user-data", `{"Notes":"x"}`).expect(t, http.StatusNotFound, "INTERACTION_NOT_FOUND")
	if got := snapshot(t, base); got != before {
		t.Errorf("failed writes changed the service")
	}
}

func TestE2EReadsAreFiltered(t *testing.T) {
	t.Parallel()
	base := startGuard(t, "--config", writeConfig(t, "", ""))
	r := send(t, http.MethodGet, base+"/v1/interactions/1", "").expect(t, http.StatusOK, "")
	if _, leaked := r.userData()["Secret"]; leaked {
		t.Errorf("read-allowed did not hide Secret: %s", r.raw)
	}
	if r.userData()["CustomerSegment"] != "gold" {
		t.Errorf("allowed key missing: %s", r.raw)
	}
	list := send(t, http.MethodGet, base+"/v1/interactions", "").expect(t, http.StatusOK, "")
	if len(list.list) != 4 || strings.Contains(list.raw, "Secret") {
		t.Errorf("getInteractions = %s", list.raw)
	}
	send(t, http.MethodGet, base+"/v1/interactions/404", "").expect(t, http.StatusNotFound, "INTERACTION_NOT_FOUND")
}

func TestE2EMarkdone(t *testing.T) {
	t.Parallel()
	base := startGuard(t, "--config", writeConfig(t, "", ""))
	events := openEvents(t, base+"/v1/events?subscribe=interaction,markdone")

	before := snapshot(t, base)
	r := send(t, http.MethodPost, base+"/v1/interactions/1/markdone", "").expect(t, http.StatusConflict, "MARKDONE_BLOCKED")
	if !strings.Contains(r.body["errorMessage"].(string), "DispositionCode") {
		t.Errorf("errorMessage = %v", r.body["errorMessage"])
	}
	ev := events.next(t, "MARKDONE_BLOCKED")
	if ev["event"] != "markdone" || ev["data"].(map[string]any)["interactionId"] != "1" {
		t.Errorf("markdone event = %v", ev)
	}
	if got := snapshot(t, base); got != before {
		t.Errorf("blocked markdone changed the service")
	}

	// A client block adds its reason; only its owner can clear it.
	send(t, http.MethodPut, base+"/v1/interactions/1/markdone-block", `{"warningMessage":"Finish the survey"}`, "Origin", "https://crm").expect(t, http.StatusOK, "")
	events.next(t, "MARKDONE_BLOCK_SET")
	send(t, http.MethodPatch, base+"/v1/interactions/1/user-data", `{"DispositionCode":"Sale"}`).expect(t, http.StatusOK, "")
	r = send(t, http.MethodPost, base+"/v1/interactions/1/markdone", "").expect(t, http.StatusConflict, "MARKDONE_BLOCKED")
	if diff := cmp.Diff([]any{"Finish the survey"}, r.body["warningMessages"]); diff != "" {
		t.Errorf("warningMessages (-want +got):\n%s", diff)
	}
	send(t, http.MethodDelete, base+"/v1/interactions/1/markdone-block", "", "Origin", "https://kb").expect(t, http.StatusOK, "")
	send(t, http.MethodPost, base+"/v1/interactions/1/markdone", "").expect(t, http.StatusConflict, "MARKDONE_BLOCKED")
	send(t, http.MethodDelete, base+"/v1/interactions/1/markdone-block", "", "Origin", "https://crm").expect(t, http.StatusOK, "")
	events.next(t, "MARKDONE_BLOCK_CLEARED")

	r = send(t, http.MethodPost, base+"/v1/interactions/1/markdone", "").expect(t, http.StatusOK, "")
	if r.body["state"] != "COMPLETED" {
		t.Errorf("state after markdone = %v", r.body["state"])
	}
	send(t, http.MethodPost, base+"/v1/interactions/1/markdone", "").expect(t, http.StatusConflict, "INVALID_STATE")
	// Not the main case interaction: no disposition needed.
	send(t, http.MethodPost, base+"/v1/interactions/4/markdone", "").expect(t, http.StatusOK, "")
}

func TestE2ECallFamily(t *testing.T) {
	t.Parallel()
	base := startGuard(t, "--config", writeConfig(t, "", ""))
	events := openEvents(t, base+"/v1/events")

	send(t, http.MethodPost, base+"/v1/interactions/3/accept", "").expect(t, http.StatusOK, "")
	send(t, http.MethodPost, base+"/v1/interactions/3/reject", "").expect(t, http.StatusConflict, "INVALID_STATE")

	before := snapshot(t, base)
	send(t, http.MethodPost, base+"/v1/interactions/1/consult", `{"target":"+15551234","userData":{"SSN":"1"}}`).expect(t, http.StatusForbidden, "USER_DATA_WRITE_NOT_ALLOWED")
	send(t, http.MethodPost, base+"/v1/interactions/1/single-step-transfer", `{"target":"+15551234","userData":{"SSN":"1"}}`).expect(t, http.StatusForbidden, "USER_DATA_WRITE_NOT_ALLOWED")
	send(t, http.MethodPost, base+"/v1/interactions/1/single-step-conference", `{"target":"+15551234","userData":{"SSN":"1"}}`).expect(t, http.StatusForbidden, "USER_DATA_WRITE_NOT_ALLOWED")
	if got := snapshot(t, base); got != before {
		t.Errorf("refused consult changed the service")
	}

	r := send(t, http.MethodPost, base+"/v1/interactions/1/consult", `{"target":"+15551234","userData":{"Notes":"warm"},"extensions":{"x":"y"}}`).expect(t, http.StatusOK, "")
	if r.body["parentInteractionId"] != "1" || r.userData()["Notes"] != "warm" {
		t.Errorf("consult = %s", r.raw)
	}
	if _, leaked := r.userData()["Secret"]; leaked {
		t.Errorf("consult result leaks a hidden key: %s", r.raw)
	}
	ev := events.next(t, "ADDED")
	if strings.Contains(mustJSON(t, ev), "Secret") {
		t.Errorf("event leaks a hidden key: %v", ev)
	}
	send(t, http.MethodPost, base+"/v1/interactions/1/complete-conference", "").expect(t, http.StatusOK, "")
	send(t, http.MethodPost, base+"/v1/interactions/1/complete-transfer", "").expect(t, http.StatusConflict, "INVALID_STATE")
	send(t, http.MethodPost, base+"/v1/interactions/1/single-step-conference", `{"target":"agent-7"}`).expect(t, http.StatusOK, "")
	send(t, http.MethodPost, base+"/v1/interactions/1/single-step-transfer", `{"target":"agent-7","userData":{"Notes":"over to you"}}`).expect(t, http.StatusOK, "")

	send(t, http.MethodPost, base+"/v1/cases/case-4/select", "").expect(t, http.StatusNoContent, "")
	if ev := events.next(t, "CASE_SELECTED"); ev["data"].(map[string]any)["selectedCaseId"] != "case-4" {
		t.Errorf("CASE_SELECTED = %v", ev)
	}
	events.next(t, "EXPANDED")
	send(t, http.MethodPost, base+"/v1/cases/case-2/select", "").expect(t, http.StatusNoContent, "")
	events.next(t, "COLLAPSED")
	send(t, http.MethodPost, base+"/v1/cases/nope/select", "").expect(t, http.StatusNotFound, "CASE_NOT_FOUND")
}

func TestE2EBadInput(t *testing.T) {
	t.Parallel()
	base := startGuard(t, "--config", writeConfig(t, "", "limits:\n  maxBodyBytes: 4096\n  maxDepth: 3\n  maxKeys: 10\n"))
	url := base + "/v1/interactions/1/user-data"
	tests := []struct {
		name, body, contentType string
		status                  int
		code                    string
	}{
		{"malformed", `{"Notes":`, "application/json", 400, "INVALID_REQUEST"},
		{"duplicate key", `{"Notes":"a","Notes":"b"}`, "application/json", 400, "INVALID_REQUEST"},
		{"trailing data", `{"Notes":"a"}{"Notes":"b"}`, "application/json", 400, "INVALID_REQUEST"},
		{"array body", `[{"Notes":"a"}]`, "application/json", 400, "INVALID_REQUEST"},
		{"float", `{"Notes":1.5}`, "application/json", 400, "INVALID_REQUEST"},
		{"bool", `{"Notes":true}`, "application/json", 400, "INVALID_REQUEST"},
		{"null", `{"Notes":null}`, "application/json", 400, "INVALID_REQUEST"},
		{"empty key", `{"":"a"}`, "application/json", 400, "INVALID_REQUEST"},
		{"control character key", `{"No\u0000tes":"a"}`, "application/json", 400, "INVALID_REQUEST"},
		{"invalid utf-8", "{\"Notes\":\"\xc3\x28\"}", "application/json", 400, "INVALID_REQUEST"},
		{"too deep", `{"Notes":{"a":{"b":{"c":{"d":"e"}}}}}`, "application/json", 400, "INVALID_REQUEST"},
		{"too many keys", `{"a":"1","b":"2","c":"3","d":"4","e":"5","f":"6","g":"7","h":"8","i":"9","j":"10","k":"11"}`, "application/json", 400, "INVALID_REQUEST"},
		{"empty object", `{}`, "application/json", 400, "INVALID_REQUEST"},
		{"not json", `Notes=a`, "text/plain", 415, "UNSUPPORTED_MEDIA_TYPE"},
		{"no content type", `{"Notes":"a"}`, "", 415, "UNSUPPORTED_MEDIA_TYPE"},
		{"too large", `{"Notes":"` + strings.Repeat("a", 5000) + `"}`, "application/json", 413, "REQUEST_TOO_LARGE"},
	}
	before := snapshot(t, base)
	for _, tt := range tests {
		req, err := http.NewRequest(http.MethodPatch, url, strings.NewReader(tt.body))
		if err != nil {
			t.Fatal(err)
		}
		if tt.contentType != "" {
			req.Header.Set("Content-Type", tt.contentType)
		}
		checkReply(t, tt.name, req, tt.status, tt.code)
	}
	// Chunked: no Content-Length, the limit still holds.
	req, err := http.NewRequest(http.MethodPatch, url, io.MultiReader(strings.NewReader(`{"Notes":"`), strings.NewReader(strings.Repeat("a", 5000)), strings.NewReader(`"}`)))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	req.ContentLength = -1
	checkReply(t, "chunked too large", req, 413, "REQUEST_TOO_LARGE")

	send(t, http.MethodGet, base+"/v1/nope", "").expect(t, http.StatusNotFound, "NOT_FOUND")
	send(t, http.MethodPost, base+"/v1/interactions/1", `{}`).expect(t, http.StatusMethodNotAllowed, "METHOD_NOT_ALLOWED")
	send(t, http.MethodPut, base+"/v1/interactions/1/markdone-block", `{"warningMessage":""}`).expect(t, http.StatusBadRequest, "INVALID_REQUEST")
	send(t, http.MethodPost, base+"/v1/interactions/1/consult", `{"userData":{}}`).expect(t, http.StatusBadRequest, "INVALID_REQUEST")
	send(t, http.MethodPost, base+"/v1/interactions/1/consult", `{"target":"x","extra":1}`).expect(t, http.StatusBadRequest, "INVALID_REQUEST")
	if got := snapshot(t, base); got != before {
		t.Errorf("bad input changed the service:\nbefore %s\nafter  %s", before, got)
	}
}

func checkReply(t *testing.T, name string, req *http.Request, status int, code string) {
	t.Helper()
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	defer resp.Body.Close()
	var body map[string]any
	raw, _ := io.ReadAll(resp.Body)
	_ = json.Unmarshal(raw, &body)
	if resp.StatusCode != status || body["errorCode"] != code {
		t.Errorf("%s: %d %v, want %d %s (%s)", name, resp.StatusCode, body["errorCode"], status, code, raw)
	}
}

func TestE2ESCAPIDoor(t *testing.T) {
	t.Parallel()
	base := startGuard(t, "--config", writeConfig(t, "", ""))
	scapi := func(env string) reply { return send(t, http.MethodPost, base+"/v1/scapi", env) }

	r := scapi(`{"request":"interaction.setUserData","parameters":["1",{"Notes":"via scapi"}],"referenceId":"7","userAgent":"WWE Client","protocolVersion":2}`).expect(t, http.StatusOK, "")
	if r.body["referenceId"] != "7" || r.body["userAgent"] != "WWE Server" {
		t.Errorf("envelope = %s", r.raw)
	}
	if ud := r.body["result"].(map[string]any)["userData"].(map[string]any); ud["Notes"] != "via scapi" {
		t.Errorf("result = %s", r.raw)
	}
	before := snapshot(t, base)
	r = scapi(`{"request":"interaction.setUserData","parameters":["1",{"SSN":"1"}],"referenceId":8}`).expect(t, http.StatusForbidden, "USER_DATA_WRITE_NOT_ALLOWED")
	if r.body["referenceId"] != float64(8) || r.body["errorMessage"] == nil {
		t.Errorf("failure envelope = %s", r.raw)
	}
	scapi(`{"request":"interaction.deleteUserData","parameters":["1","Secret"],"referenceId":"9"}`).expect(t, http.StatusForbidden, "USER_DATA_WRITE_NOT_ALLOWED")
	scapi(`{"request":"interaction.markdone","parameters":["1"],"referenceId":"10"}`).expect(t, http.StatusConflict, "MARKDONE_BLOCKED")
	scapi(`{"request":"interaction.consult","parameters":["1","+1555",{"SSN":"x"}],"referenceId":"11"}`).expect(t, http.StatusForbidden, "USER_DATA_WRITE_NOT_ALLOWED")
	scapi(`{"request":"interaction.explode","parameters":[],"referenceId":"12"}`).expect(t, http.StatusBadRequest, "INVALID_REQUEST")
	scapi(`{"request":"interaction.setUserData","parameters":["1"],"referenceId":"13"}`).expect(t, http.StatusBadRequest, "INVALID_REQUEST")
	scapi(`{"request":"interaction.setUserData","parameters":["1",{"a":1}],"bogus":1}`).expect(t, http.StatusBadRequest, "INVALID_REQUEST")
	if got := snapshot(t, base); got != before {
		t.Errorf("refused SCAPI calls changed the service")
	}

	r = scapi(`{"request":"interaction.getByInteractionId","parameters":["nope"],"referenceId":"14"}`).expect(t, http.StatusOK, "")
	if v, ok := r.body["result"]; !ok || v != nil {
		t.Errorf("unknown id over SCAPI = %s, want result null", r.raw)
	}
	r = scapi(`{"request":"interaction.getInteractions","parameters":[],"referenceId":"15"}`).expect(t, http.StatusOK, "")
	if list, _ := r.body["result"].([]any); len(list) != 4 || strings.Contains(r.raw, "Secret") {
		t.Errorf("getInteractions over SCAPI = %s", r.raw)
	}
	scapi(`{"request":"interaction.selectCaseByCaseId","parameters":["case-2"],"referenceId":"16"}`).expect(t, http.StatusOK, "")
}

func TestE2EModes(t *testing.T) {
	t.Parallel()
	t.Run("dry-run forwards and logs what enforcement would do", func(t *testing.T) {
		t.Parallel()
		cfg := writeConfig(t, "", "enforcement: dryrun\n")
		base := startGuard(t, "--config", cfg)
		send(t, http.MethodPatch, base+"/v1/interactions/1/user-data", `{"SSN":"078-05-1120"}`).expect(t, http.StatusOK, "")
		send(t, http.MethodPost, base+"/v1/interactions/1/markdone", "").expect(t, http.StatusOK, "")
		log := readLogUntil(t, filepath.Join(filepath.Dir(cfg), "decisions.jsonl"), `"USER_DATA_WRITE_NOT_ALLOWED"`, `"MARKDONE_BLOCKED"`)
		if !strings.Contains(log, `"USER_DATA_WRITE_NOT_ALLOWED"`) || !strings.Contains(log, `"MARKDONE_BLOCKED"`) {
			t.Errorf("decision log does not record the refusals enforcement would make:\n%s", log)
		}
		if strings.Contains(log, "078-05-1120") {
			t.Errorf("decision log leaks a user-data value")
		}
	})
	t.Run("strip forwards the allowed keys", func(t *testing.T) {
		t.Parallel()
		base := startGuard(t, "--config", writeConfig(t, "", "userDataMode: strip\n"))
		r := send(t, http.MethodPatch, base+"/v1/interactions/1/user-data", `{"SSN":"1","Notes":"kept"}`).expect(t, http.StatusOK, "")
		if r.header.Get("X-Denied-Keys") != `["SSN"]` {
			t.Errorf("X-Denied-Keys = %q", r.header.Get("X-Denied-Keys"))
		}
		got := send(t, http.MethodGet, base+"/v1/interactions/1", "").userData()
		if got["Notes"] != "kept" || got["SSN"] != nil {
			t.Errorf("after strip: %v", got)
		}
	})
}

func TestE2ECustomRule(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	mustWrite(t, filepath.Join(dir, "cards.rego"), `package wwe.userdata

deny contains {"key": w.key, "code": "CARD_NUMBER", "message": "card numbers may not be stored"} if {
	some w in input.writes
	w.op == "set"
	is_string(w.value)
	regex.match(`+"`"+`\b(?:\d[ -]?){13,16}\b`+"`"+`, w.value)
}
`)
	base := startGuard(t, "--config", writeConfig(t, "", "policies:\n  paths: ["+dir+"]\n"))
	before := snapshot(t, base)
	r := send(t, http.MethodPatch, base+"/v1/interactions/1/user-data", `{"Notes":"card 4111 1111 1111 1111"}`).expect(t, http.StatusForbidden, "USER_DATA_WRITE_NOT_ALLOWED")
	if !strings.Contains(r.raw, "CARD_NUMBER") {
		t.Errorf("reasons do not name the custom rule: %s", r.raw)
	}
	if got := snapshot(t, base); got != before {
		t.Errorf("refused write changed the service")
	}
	send(t, http.MethodPatch, base+"/v1/interactions/1/user-data", `{"Notes":"no card here"}`).expect(t, http.StatusOK, "")
}

func TestE2EPolicyErrorFailsClosed(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	mustWrite(t, filepath.Join(dir, "broken.rego"), `package wwe.userdata

level := 1 if input.operation == "setUserData"
level := 2 if input.operation == "setUserData"

deny contains {"key": "x", "code": "BROKEN", "message": "never"} if level > 5
`)
	base := startGuard(t, "--config", writeConfig(t, "", "policies:\n  paths: ["+dir+"]\n"))
	before := snapshot(t, base)
	r := send(t, http.MethodPatch, base+"/v1/interactions/1/user-data", `{"Notes":"x"}`).expect(t, http.StatusInternalServerError, "POLICY_ERROR")
	if r.header.Get("X-Decision-Id") == "" {
		t.Error("POLICY_ERROR without X-Decision-Id")
	}
	if got := snapshot(t, base); got != before {
		t.Errorf("a write the guard could not decide changed the service")
	}
}

func TestE2EOriginsCORSAndRateLimits(t *testing.T) {
	t.Parallel()
	options := e2eOptions + `  service-client-api.accepted-web-content-origins: "https://crm (interaction.*), https://kb (interaction.getInteractions, interaction.getByInteractionId)"
  service-client-api.rate-limit.interaction.getByInteractionId: 3
`
	base := startGuard(t, "--config", writeConfig(t, options, ""))
	before := send(t, http.MethodGet, base+"/v1/interactions", "", "Origin", "https://crm").expect(t, http.StatusOK, "").raw
	send(t, http.MethodPatch, base+"/v1/interactions/1/user-data", `{"Notes":"x"}`, "Origin", "https://kb").expect(t, http.StatusForbidden, "REQUEST_NOT_ALLOWED")
	send(t, http.MethodPatch, base+"/v1/interactions/1/user-data", `{"Notes":"x"}`, "Origin", "https://evil").expect(t, http.StatusForbidden, "REQUEST_NOT_ALLOWED")
	send(t, http.MethodPatch, base+"/v1/interactions/1/user-data", `{"Notes":"x"}`).expect(t, http.StatusForbidden, "REQUEST_NOT_ALLOWED")
	if got := send(t, http.MethodGet, base+"/v1/interactions", "", "Origin", "https://crm").raw; got != before {
		t.Errorf("refused origins changed the service")
	}
	send(t, http.MethodGet, base+"/v1/interactions", "", "Origin", "https://kb").expect(t, http.StatusOK, "")

	pre := send(t, http.MethodOptions, base+"/v1/interactions/1/user-data", "", "Origin", "https://crm", "Access-Control-Request-Method", "PATCH")
	if pre.status != http.StatusNoContent || pre.header.Get("Access-Control-Allow-Origin") != "https://crm" ||
		!strings.Contains(pre.header.Get("Access-Control-Allow-Methods"), "PATCH") {
		t.Errorf("preflight = %d %v", pre.status, pre.header)
	}
	send(t, http.MethodOptions, base+"/v1/interactions/1/user-data", "", "Origin", "https://evil", "Access-Control-Request-Method", "PATCH").expect(t, http.StatusForbidden, "REQUEST_NOT_ALLOWED")
	r := send(t, http.MethodGet, base+"/v1/interactions/1", "", "Origin", "https://crm")
	if !strings.Contains(r.header.Get("Access-Control-Expose-Headers"), "X-Decision-Id") {
		t.Errorf("expose headers = %q", r.header.Get("Access-Control-Expose-Headers"))
	}

	// Three getByInteractionId per minute per origin: this is the fourth for crm.
	send(t, http.MethodGet, base+"/v1/interactions/1", "", "Origin", "https://crm").expect(t, http.StatusOK, "")
	send(t, http.MethodGet, base+"/v1/interactions/1", "", "Origin", "https://crm").expect(t, http.StatusOK, "")
	limited := send(t, http.MethodGet, base+"/v1/interactions/1", "", "Origin", "https://crm").expect(t, http.StatusTooManyRequests, "RATE_LIMITED")
	if limited.header.Get("Retry-After") == "" {
		t.Error("429 without Retry-After")
	}
	send(t, http.MethodGet, base+"/v1/interactions/1", "", "Origin", "https://kb").expect(t, http.StatusOK, "")
	send(t, http.MethodGet, base+"/v1/interactions", "", "Origin", "https://crm").expect(t, http.StatusOK, "")
}

func readFile(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// waitForLog reads the decision log at path once ready says it holds what
// the test needs, or after five seconds: entries are written off the
// request path, shortly after the answer.
func waitForLog(t *testing.T, path string, ready func(log string) bool) string {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for {
		b, err := os.ReadFile(path)
		if err != nil && !errors.Is(err, os.ErrNotExist) {
			t.Fatal(err)
		}
		if log := string(b); ready(log) || time.Now().After(deadline) {
			return log
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// readLogUntil waits for a decision log that holds every want.
func readLogUntil(t *testing.T, path string, want ...string) string {
	t.Helper()
	return waitForLog(t, path, func(log string) bool {
		for _, w := range want {
			if !strings.Contains(log, w) {
				return false
			}
		}
		return true
	})
}

func mustJSON(t *testing.T, v any) string {
	t.Helper()
	var buf bytes.Buffer
	if err := json.NewEncoder(&buf).Encode(v); err != nil {
		t.Fatal(err)
	}
	return buf.String()
}
