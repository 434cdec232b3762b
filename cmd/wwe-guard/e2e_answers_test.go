package main

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/wwe-guard/wwe-guard/api"
	"github.com/wwe-guard/wwe-guard/api/service"
	"github.com/wwe-guard/wwe-guard/internal/sim"
)

// racingService is the reference service as one that reports no revisions
// (no ETag, no version) behind the guard, where another client writes to interaction 1
// right after each read of it while armed: between the guard's read and
// its write.
func racingService(t *testing.T, direct string) (url string, armed *atomic.Bool) {
	t.Helper()
	interactions, err := service.LoadSeed(writeTemp(t, "seed.json", e2eSeed))
	if err != nil {
		t.Fatal(err)
	}
	sim := api.New(api.Config{Service: service.NewMemory(interactions), Decider: sim.AllowAll{}})
	armed = &atomic.Bool{}
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rec := httptest.NewRecorder()
		sim.ServeHTTP(rec, r)
		if r.Method == http.MethodGet && r.URL.Path == "/v1/interactions/1" && armed.CompareAndSwap(true, false) {
			req := httptest.NewRequest(http.MethodPatch, "/v1/interactions/1/user-data", strings.NewReader(direct))
			req.Header.Set("Content-Type", "application/json")
			sim.ServeHTTP(httptest.NewRecorder(), req)
		}
		for k, v := range rec.Header() {
			if k != "Etag" {
				w.Header()[k] = v
			}
		}
		w.WriteHeader(rec.Code)
		_, _ = w.Write(withoutVersions(t, rec.Body.Bytes()))
	}))
	t.Cleanup(func() {
		sim.EndStreams()
		ts.Close()
	})
	return ts.URL, armed
}

// withoutVersions removes "version" from a JSON object or list of objects.
func withoutVersions(t *testing.T, body []byte) []byte {
	var doc any
	if json.Unmarshal(body, &doc) != nil {
		return body
	}
	items, isList := doc.([]any)
	if !isList {
		items = []any{doc}
	}
	for _, it := range items {
		if obj, ok := it.(map[string]any); ok {
			delete(obj, "version")
		}
	}
	out, err := json.Marshal(doc)
	if err != nil {
		t.Error(err)
	}
	return out
}

// TestE2EWriteAnswerIsReadDecided: the answer to a write is filtered by a
// read decision on the interaction as the service returned it, so a key
// written elsewhere between the guard's read and its write is hidden when
// read-allowed hides it — and shown when read-allowed lists it.
func TestE2EWriteAnswerIsReadDecided(t *testing.T) {
	t.Parallel()
	url, armed := racingService(t, `{"CustomerSegment":"platinum","Hidden":"written elsewhere"}`)
	base, _ := startSidecar(t, url)

	armed.Store(true)
	r := send(t, http.MethodPatch, base+"/v1/interactions/1/user-data", `{"Notes":"mine"}`).expect(t, http.StatusOK, "")
	if armed.Load() {
		t.Fatal("the guard did not read the interaction before its write")
	}
	ud := r.userData()
	if ud["Notes"] != "mine" || ud["CustomerSegment"] != "platinum" {
		t.Errorf("answer userData = %v, want the write and the read-allowed key written elsewhere", ud)
	}
	if _, leaked := ud["Hidden"]; leaked {
		t.Errorf("the write's answer shows a key read-allowed hides: %s", r.raw)
	}
}

// conflictOnBoom cannot be evaluated once CustomerSegment is "boom": two
// values for one complete rule.
const conflictOnBoom = `package wwe.userdata

flavour := "a" if input.interaction.userData.CustomerSegment == "boom"

flavour := "b" if input.interaction.userData.CustomerSegment == "boom"

read_deny contains "Nothing" if flavour == "a"
`

// TestE2EWriteAnswerFailsClosed: when what the caller may read of a write's
// answer cannot be decided, the answer is POLICY_ERROR, not the unfiltered
// interaction (the write itself was decided and applied).
func TestE2EWriteAnswerFailsClosed(t *testing.T) {
	t.Parallel()
	url, _ := racingService(t, `{}`)
	dir := t.TempDir()
	mustWrite(t, filepath.Join(dir, "conflict.rego"), conflictOnBoom)
	base, _ := startSidecar(t, url, "policies:\n  bundled: true\n  paths: ["+dir+"]\n")
	send(t, http.MethodPatch, base+"/v1/interactions/1/user-data", `{"CustomerSegment":"silver"}`).expect(t, http.StatusOK, "")
	r := send(t, http.MethodPatch, base+"/v1/interactions/1/user-data", `{"CustomerSegment":"boom"}`).expect(t, http.StatusInternalServerError, "POLICY_ERROR")
	if strings.Contains(r.raw, "Secret") || r.header.Get("X-Decision-Id") == "" {
		t.Errorf("answer = %s, X-Decision-Id %q", r.raw, r.header.Get("X-Decision-Id"))
	}
}
