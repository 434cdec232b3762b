package api_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/wwe-guard/wwe-guard/api"
	"github.com/wwe-guard/wwe-guard/api/service"
	"github.com/wwe-guard/wwe-guard/guard"
	"github.com/wwe-guard/wwe-guard/internal/sim"
	"github.com/wwe-guard/wwe-guard/internal/wwe"
	"github.com/wwe-guard/wwe-guard/policies"
)

// counting counts the requests a handler gets, by method.
type counting struct {
	mu   sync.Mutex
	by   map[string]int
	next http.Handler
}

func (c *counting) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	c.mu.Lock()
	c.by[r.Method]++
	c.mu.Unlock()
	c.next.ServeHTTP(w, r)
}

func (c *counting) count(method string) int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.by[method]
}

// freeze refuses overwriting a disposition once set: a rule that reads the
// interaction, so deciding it on a stale one would let a write through.
const freeze = `package wwe.userdata

deny contains {"key": w.key, "code": "FROZEN", "message": "the disposition is set"} if {
	some w in input.writes
	w.key == "DispositionCode"
	input.interaction.userData.DispositionCode
}
`

// sidecar starts the reference service and, in front of it over HTTP, a
// guard with the bundled policies and the freeze rule.
func sidecar(t *testing.T) (guardURL, serviceURL string, upstream *counting) {
	t.Helper()
	seed := []*wwe.Interaction{{InteractionID: "1", MediaType: "voice", State: wwe.StateTalking, UserData: wwe.UserData{}}}
	upstream = &counting{by: map[string]int{}, next: api.New(api.Config{Service: service.NewMemory(seed), Decider: sim.AllowAll{}})}
	svc := httptest.NewServer(upstream)
	t.Cleanup(svc.Close)
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "freeze.rego"), []byte(freeze), 0o644); err != nil {
		t.Fatal(err)
	}
	engine, err := guard.New(context.Background(), guard.Config{Bundled: policies.FS, Schemas: policies.Schemas, Paths: []string{dir}})
	if err != nil {
		t.Fatal(err)
	}
	client, err := service.NewClient(svc.URL, 5*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	g := httptest.NewServer(api.New(api.Config{Service: client, Decider: engine}))
	t.Cleanup(g.Close)
	return g.URL, svc.URL, upstream
}

func patch(t *testing.T, url, body string, header ...string) (int, map[string]any) {
	t.Helper()
	req, err := http.NewRequest(http.MethodPatch, url+"/v1/interactions/1/user-data", strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	var out map[string]any
	_ = json.Unmarshal(raw, &out)
	return resp.StatusCode, out
}

// TestWritesAreConditional: the guard decides a write on the revision of the
// interaction it last saw and forwards it on that condition (If-Match). A
// change made behind its back makes the service refuse the forward; the guard
// then decides again on a fresh read, so the freeze rule still holds.
func TestWritesAreConditional(t *testing.T) {
	t.Parallel()
	g, svc, upstream := sidecar(t)

	if code, body := patch(t, g, `{"Notes":"one"}`); code != http.StatusOK || body["version"] != float64(2) {
		t.Fatalf("first write: %d %v", code, body)
	}
	if code, _ := patch(t, g, `{"Notes":"two"}`); code != http.StatusOK {
		t.Fatalf("second write: %d", code)
	}
	if gets := upstream.count(http.MethodGet); gets != 1 {
		t.Errorf("the guard read the interaction %d times for two writes, want 1 (the second decided on the revision the first answered)", gets)
	}

	// Another client sets the disposition at the service directly: the
	// guard's remembered revision (3) is now stale.
	if code, body := patch(t, svc, `{"DispositionCode":"Sale"}`); code != http.StatusOK || body["version"] != float64(4) {
		t.Fatalf("direct write: %d %v", code, body)
	}
	code, body := patch(t, g, `{"DispositionCode":"Refund"}`)
	if code != http.StatusForbidden || body["errorCode"] != "USER_DATA_WRITE_NOT_ALLOWED" {
		t.Fatalf("overwrite decided on a stale revision: %d %v", code, body)
	}
	if _, it := get(t, svc); it["userData"].(map[string]any)["DispositionCode"] != "Sale" {
		t.Errorf("the frozen disposition changed: %v", it)
	}

	// A client's own If-Match, the ETag of a read: a stale revision is
	// refused, nothing forwarded.
	current := etag(t, g)
	if !strings.HasSuffix(current, `.4"`) {
		t.Fatalf("ETag = %q, want revision 4 of the service's lifetime", current)
	}
	stale := strings.TrimSuffix(current, `4"`) + `3"`
	patches := upstream.count(http.MethodPatch)
	if code, body := patch(t, g, `{"Notes":"three"}`, "If-Match", stale); code != http.StatusConflict || body["errorCode"] != "INTERACTION_CHANGED" {
		t.Errorf("stale If-Match: %d %v", code, body)
	}
	if upstream.count(http.MethodPatch) != patches {
		t.Error("a write with a stale If-Match reached the service")
	}
	if code, body := patch(t, g, `{"Notes":"three"}`, "If-Match", current); code != http.StatusOK || body["version"] != float64(5) {
		t.Errorf("current If-Match: %d %v", code, body)
	}
	for _, bad := range []string{`"seven"`, `"5"`, `5`, `W/` + current, `"boot.5"x`, `".5"`} {
		if code, _ := patch(t, g, `{"Notes":"x"}`, "If-Match", bad); code != http.StatusBadRequest {
			t.Errorf("If-Match %s: %d, want 400", bad, code)
		}
	}
	if upstream.count(http.MethodPatch) != patches+1 {
		t.Error("a write with a malformed If-Match reached the service")
	}
}

// etag returns the ETag of interaction 1 as url answers it.
func etag(t *testing.T, url string) string {
	t.Helper()
	resp, err := http.Get(url + "/v1/interactions/1")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return resp.Header.Get("ETag")
}

func get(t *testing.T, url string) (int, map[string]any) {
	t.Helper()
	resp, err := http.Get(url + "/v1/interactions/1")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var out map[string]any
	_ = json.NewDecoder(resp.Body).Decode(&out)
	return resp.StatusCode, out
}

// TestConcurrentWritesDoNotConflict: the guard's own writes to one
// interaction go one at a time, so none is refused for a revision another
// of them moved on; every one lands.
func TestConcurrentWritesDoNotConflict(t *testing.T) {
	t.Parallel()
	g, svc, _ := sidecar(t)
	var wg sync.WaitGroup
	for w := range 16 {
		wg.Go(func() {
			for i := range 10 {
				if code, body := patch(t, g, `{"Notes":"w`+string(rune('a'+w))+string(rune('0'+i))+`"}`); code != http.StatusOK {
					t.Errorf("concurrent write: %d %v", code, body)
				}
			}
		})
	}
	wg.Wait()
	if _, it := get(t, svc); it["version"] != float64(1+160) {
		t.Errorf("version after 160 writes = %v, want 161", it["version"])
	}
}
