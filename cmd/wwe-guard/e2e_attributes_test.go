package main

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// attributesSeed carries every attribute DESIGN.md §1.1 documents on
// interaction 1, with a vendor attribute and a key read-allowed hides
// (Secret); 3 is ringing in its own case; the policy of attributesPolicy
// refuses writes to 5 (outbound) and 6 (locked by the vendor attribute).
const attributesSeed = `[
 {"interactionId":"1","parentInteractionId":"0","caseId":"case-1","userData":{"CustomerSegment":"gold","Secret":"s3"},
  "state":"TALKING","previousState":"RINGING",
  "parties":[{"name":"Ann Lee","role":"customer"},{"name":"Agent 7"}],
  "isConsultation":false,"isMainCaseInteraction":true,"callUuid":"CU-1","direction":"IN","callType":"INBOUND",
  "ani":"+15551234567","dnis":"8000","recordingState":"RECORDING","isCaseSelected":true,"isCaseExpanded":true,
  "interactionUUID":"UU-1","mediaType":"voice","isDone":false,"markdoneBlocks":[],"version":4,
  "x-vendor":{"a":1,"locked":false}},
 {"interactionId":"3","mediaType":"voice","callType":"INBOUND","direction":"IN","state":"RINGING","caseId":"case-3",
  "isMainCaseInteraction":true,"userData":{}},
 {"interactionId":"5","mediaType":"voice","callType":"OUTBOUND","direction":"OUT","state":"TALKING","caseId":"case-5",
  "isMainCaseInteraction":true,"userData":{}},
 {"interactionId":"6","mediaType":"chat","state":"ACCEPTED","caseId":"case-6","isMainCaseInteraction":true,"userData":{},
  "x-vendor":{"locked":true}}
]`

// attributesPolicy reads a documented attribute (direction) and one the
// guard does not model (x-vendor), as a team's rule would.
const attributesPolicy = `package wwe.access

deny contains {"code": "NO_OUTBOUND_WRITES", "message": "outbound interactions are read-only here"} if {
	input.operation == "setUserData"
	input.interaction.direction == "OUT"
}

deny contains {"code": "VENDOR_LOCKED", "message": "the CRM locked this interaction"} if {
	input.operation == "setUserData"
	object.get(input.interaction, ["x-vendor", "locked"], false) == true
}
`

// startAttributesGuard starts the guard over attributesSeed, in the
// embedded service or in wwe-sim as its own process (kind http), with
// attributesPolicy; it returns the guard's URL and its decision log.
func startAttributesGuard(t *testing.T, kind string) (base, log string) {
	t.Helper()
	dir := t.TempDir()
	mustWrite(t, filepath.Join(dir, "policy", "attributes.rego"), attributesPolicy)
	upstream := ""
	switch kind {
	case "embedded":
		seed := filepath.Join(dir, "seed.json")
		mustWrite(t, seed, attributesSeed)
		upstream = "  kind: embedded\n  seed: " + seed
	case "http":
		upstream = "  kind: http\n  url: " + startSimSeed(t, attributesSeed)
	}
	log = filepath.Join(dir, "decisions.jsonl")
	cfg := filepath.Join(dir, "guard.yaml")
	mustWrite(t, cfg, "upstream:\n"+upstream+"\noptions:"+e2eOptions+"\npolicies:\n  bundled: true\n  paths: ["+
		filepath.Join(dir, "policy")+"]\ndecisionLog:\n  output: "+log+"\n")
	return startGuard(t, "--config", cfg), log
}

// seeded returns a seed entry as a generic document, userData without the
// keys read-allowed hides.
func seeded(t *testing.T, seed, id string, hidden ...string) map[string]any {
	t.Helper()
	var list []map[string]any
	if err := json.Unmarshal([]byte(seed), &list); err != nil {
		t.Fatal(err)
	}
	for _, it := range list {
		if it["interactionId"] == id {
			for _, k := range hidden {
				delete(it["userData"].(map[string]any), k)
			}
			return it
		}
	}
	t.Fatalf("no interaction %s in the seed", id)
	return nil
}

// nextChange returns the interaction of the next CHANGED event for id.
func (s *sse) nextChange(t *testing.T, id string) map[string]any {
	t.Helper()
	for {
		data, _ := s.next(t, "CHANGED")["data"].(map[string]any)
		if data["interactionId"] == id {
			it, _ := data["interaction"].(map[string]any)
			return it
		}
	}
}

// TestE2EInteractionAttributes: an interaction with every documented
// attribute and a vendor attribute reaches the client unchanged — in GET,
// in a write's answer and in events — on both upstream kinds, with only
// userData filtered; previousState and the case flags follow what happened;
// a policy reads direction and the vendor attribute; and the decision log
// masks ani, dnis, parties and the vendor attribute.
func TestE2EInteractionAttributes(t *testing.T) {
	t.Parallel()
	for _, kind := range []string{"embedded", "http"} {
		t.Run(kind, func(t *testing.T) {
			t.Parallel()
			if kind == "http" && testing.Short() {
				t.Skip("builds and starts wwe-sim")
			}
			base, log := startAttributesGuard(t, kind)
			events := openEvents(t, base+"/v1/events?subscribe=interaction")

			// Read: every attribute as seeded, Secret hidden.
			want := seeded(t, attributesSeed, "1", "Secret")
			get := send(t, http.MethodGet, base+"/v1/interactions/1", "").expect(t, http.StatusOK, "")
			if diff := cmp.Diff(want, get.body); diff != "" {
				t.Errorf("GET (-seeded +got):\n%s", diff)
			}

			// Write: the answer and the event keep every attribute; the
			// write's read decision filters userData only.
			want["userData"].(map[string]any)["Notes"] = "called back"
			want["version"] = 5.0
			r := send(t, http.MethodPatch, base+"/v1/interactions/1/user-data", `{"Notes":"called back"}`).expect(t, http.StatusOK, "")
			if diff := cmp.Diff(want, r.body); diff != "" {
				t.Errorf("write answer (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(want, events.nextChange(t, "1")); diff != "" {
				t.Errorf("CHANGED event (-want +got):\n%s", diff)
			}

			// previousState is the state before the last state change.
			r = send(t, http.MethodPost, base+"/v1/interactions/3/accept", "").expect(t, http.StatusOK, "")
			ev := events.nextChange(t, "3")
			for name, got := range map[string]map[string]any{"answer": r.body, "event": ev} {
				if got["state"] != "TALKING" || got["previousState"] != "RINGING" {
					t.Errorf("accept %s: state %v, previousState %v; want TALKING, RINGING", name, got["state"], got["previousState"])
				}
			}

			// Selecting case-3 selects and expands its interaction and clears
			// the flags of the case selected before.
			send(t, http.MethodPost, base+"/v1/cases/case-3/select", "").expect(t, http.StatusNoContent, "")
			for id, flag := range map[string]bool{"3": true, "1": false} {
				got := send(t, http.MethodGet, base+"/v1/interactions/"+id, "").expect(t, http.StatusOK, "").body
				if got["isCaseSelected"] != flag || got["isCaseExpanded"] != flag {
					t.Errorf("after selecting case-3, %s has isCaseSelected %v, isCaseExpanded %v; want %v", id, got["isCaseSelected"], got["isCaseExpanded"], flag)
				}
			}

			// A policy reads direction and the vendor attribute: the writes
			// above (IN, not locked) went through, these do not.
			for id, code := range map[string]string{"5": "NO_OUTBOUND_WRITES", "6": "VENDOR_LOCKED"} {
				r := send(t, http.MethodPatch, base+"/v1/interactions/"+id+"/user-data", `{"Notes":"x"}`).expect(t, http.StatusForbidden, "REQUEST_NOT_ALLOWED")
				if reasons, _ := r.body["reasons"].([]any); len(reasons) != 1 || reasons[0].(map[string]any)["code"] != code {
					t.Errorf("write to %s: reasons %v, want %s", id, r.body["reasons"], code)
				}
			}

			// The decision log of the read masks ani, dnis, parties and the
			// vendor attribute, which the client saw above, and keeps the
			// ids, state, types, flags and version.
			id := get.header.Get("X-Decision-Id")
			line := logLine(t, log, id)
			var entry struct {
				Input struct {
					Interaction map[string]any `json:"interaction"`
				} `json:"input"`
				Masked []string `json:"masked"`
			}
			if err := json.Unmarshal([]byte(line), &entry); err != nil {
				t.Fatal(err)
			}
			wantLogged := seeded(t, attributesSeed, "1")
			wantLogged["ani"], wantLogged["dnis"] = "***", "***"
			wantLogged["parties"] = []any{map[string]any{"name": "***", "role": "***"}, map[string]any{"name": "***"}}
			wantLogged["x-vendor"] = map[string]any{"a": "***", "locked": "***"}
			wantLogged["userData"] = map[string]any{"CustomerSegment": "***", "Secret": "***"}
			wantLogged["interactionUUID"], wantLogged["callUuid"] = "UU-1", "CU-1"
			if diff := cmp.Diff(wantLogged, entry.Input.Interaction); diff != "" {
				t.Errorf("logged interaction (-want +got):\n%s", diff)
			}
			for _, p := range []string{"/input/interaction/ani", "/input/interaction/dnis", "/input/interaction/parties", "/input/interaction/x-vendor", "/input/interaction/userData/Secret"} {
				if !strings.Contains(strings.Join(entry.Masked, " "), p) {
					t.Errorf("masked %v does not list %s", entry.Masked, p)
				}
			}
			for _, v := range []string{"5551234567", "Ann Lee", "customer", "s3"} {
				if !strings.Contains(get.raw+`"s3"`, v) {
					t.Fatalf("the client did not see %q: %s", v, get.raw)
				}
				if strings.Contains(line, v) {
					t.Errorf("the decision log shows %q: %s", v, line)
				}
			}
		})
	}
}

// logLine returns the decision log line of decision id.
func logLine(t *testing.T, path, id string) string {
	t.Helper()
	if id == "" {
		t.Fatal("no decision id")
	}
	for line := range strings.Lines(readLogUntil(t, path, `"decision_id":"`+id+`"`)) {
		if strings.Contains(line, `"decision_id":"`+id+`"`) {
			return line
		}
	}
	t.Fatalf("no decision log entry %s in %s", id, path)
	return ""
}

// unmodelled is an interaction as a newer service might send it: two
// attributes the guard does not model, one of them not a vendor ("x-")
// name, and Secret, which read-allowed hides.
func unmodelled(notes string) string {
	ud := `{"CustomerSegment":"gold","Secret":"s3"}`
	if notes != "" {
		ud = fmt.Sprintf(`{"CustomerSegment":"gold","Notes":%q,"Secret":"s3"}`, notes)
	}
	return `{"interactionId":"1","mediaType":"voice","callType":"INBOUND","state":"TALKING","caseId":"case-1",` +
		`"isMainCaseInteraction":true,"isDone":false,"markdoneBlocks":[],"userData":` + ud + `,` +
		`"mediaInfo":{"channel":"sip","tags":["a",1,null],"nested":{"deep":true}},"x-vendor":{"a":1}}`
}

// TestE2EUnmodelledAttributesFromHTTPService: attributes a remote service
// sends that the guard has no field for reach the client unchanged in a GET
// result, a write result, a SCAPI result and an event; only userData is
// filtered.
func TestE2EUnmodelledAttributesFromHTTPService(t *testing.T) {
	t.Parallel()
	var mu sync.Mutex
	notes := ""
	current := func() string {
		mu.Lock()
		defer mu.Unlock()
		return unmodelled(notes)
	}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /health", func(w http.ResponseWriter, _ *http.Request) { _, _ = w.Write([]byte(`{"status":"ok"}`)) })
	mux.HandleFunc("GET /v1/interactions/1", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(current()))
	})
	mux.HandleFunc("PATCH /v1/interactions/1/user-data", func(w http.ResponseWriter, r *http.Request) {
		var kv map[string]string
		if err := json.NewDecoder(r.Body).Decode(&kv); err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		mu.Lock()
		notes = kv["Notes"]
		mu.Unlock()
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(current()))
	})
	mux.HandleFunc("GET /v1/events", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/event-stream")
		tick := time.NewTicker(20 * time.Millisecond)
		defer tick.Stop()
		for {
			select {
			case <-r.Context().Done():
				return
			case <-tick.C:
				fmt.Fprintf(w, "data: {\"event\":\"interaction\",\"data\":{\"eventType\":\"CHANGED\",\"interactionId\":\"1\",\"interaction\":%s},\"userAgent\":\"WWE Server\",\"protocolVersion\":2}\n\n", current())
				w.(http.Flusher).Flush()
			}
		}
	})
	svc := httptest.NewServer(mux)
	t.Cleanup(svc.Close)
	cfg := writeTemp(t, "guard.yaml", "upstream:\n  kind: http\n  url: "+svc.URL+"\noptions:"+e2eOptions+"\ndecisionLog:\n  output: none\n")
	base := startGuard(t, "--config", cfg)

	want := func(notes string) any {
		var doc map[string]any
		if err := json.Unmarshal([]byte(unmodelled(notes)), &doc); err != nil {
			t.Fatal(err)
		}
		delete(doc["userData"].(map[string]any), "Secret")
		return doc
	}
	get := send(t, http.MethodGet, base+"/v1/interactions/1", "").expect(t, http.StatusOK, "")
	if diff := cmp.Diff(want(""), get.body); diff != "" {
		t.Errorf("GET (-sent +got):\n%s", diff)
	}
	put := send(t, http.MethodPatch, base+"/v1/interactions/1/user-data", `{"Notes":"called back"}`).expect(t, http.StatusOK, "")
	if diff := cmp.Diff(want("called back"), put.body); diff != "" {
		t.Errorf("write answer (-sent +got):\n%s", diff)
	}
	scapi := send(t, http.MethodPost, base+"/v1/scapi", `{"request":"interaction.getByInteractionId","parameters":["1"],"referenceId":"1"}`).expect(t, http.StatusOK, "")
	if diff := cmp.Diff(want("called back"), scapi.body["result"]); diff != "" {
		t.Errorf("SCAPI result (-sent +got):\n%s", diff)
	}
	events := openEvents(t, base+"/v1/events?subscribe=interaction")
	if diff := cmp.Diff(want("called back"), any(events.nextChange(t, "1"))); diff != "" {
		t.Errorf("event (-sent +got):\n%s", diff)
	}
}
