package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/wwe-guard/wwe-guard/api"
	"github.com/wwe-guard/wwe-guard/api/service"
	"github.com/wwe-guard/wwe-guard/guard"
	"github.com/wwe-guard/wwe-guard/internal/syncbuf"
	"github.com/wwe-guard/wwe-guard/internal/wwe"
)

// upstream is the reference service on an httptest server, as the guard
// sees a remote service: it counts the event streams opened to it, can hold
// GET /v1/interactions/1 for a while, and can restart (a new lifetime of
// the service, from the same seed, on the same address).
type upstream struct {
	url     string
	streams atomic.Int64
	slow    atomic.Int64 // nanoseconds to hold GET /v1/interactions/1
	held    chan struct{}
	svc     atomic.Pointer[api.Server]
	seed    []*wwe.Interaction
}

func startUpstream(t *testing.T) *upstream {
	t.Helper()
	seed := filepath.Join(t.TempDir(), "seed.json")
	mustWrite(t, seed, e2eSeed)
	interactions, err := service.LoadSeed(seed)
	if err != nil {
		t.Fatal(err)
	}
	u := &upstream{held: make(chan struct{}, 16), seed: interactions}
	u.restart()
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/v1/events" {
			u.streams.Add(1)
		}
		if d := time.Duration(u.slow.Load()); d > 0 && r.Method == http.MethodGet && r.URL.Path == "/v1/interactions/1" {
			u.held <- struct{}{}
			time.Sleep(d)
		}
		u.svc.Load().ServeHTTP(w, r)
	}))
	t.Cleanup(func() {
		u.svc.Load().EndStreams()
		ts.Close()
	})
	u.url = ts.URL
	return u
}

// restart replaces the service with a new lifetime of it, seeded afresh;
// the old one's event streams end, as a stopped process's would.
func (u *upstream) restart() {
	if old := u.svc.Swap(api.New(api.Config{Service: service.NewMemory(u.seed), Decider: guard.AllowAll{}})); old != nil {
		old.EndStreams()
	}
}

// sidecarConfig writes a config with the e2e options for a guard in front
// of the service at url, logging decisions to the returned file; extra is
// appended at the top level.
func sidecarConfig(t *testing.T, url string, extra ...string) (cfg, decisions string) {
	t.Helper()
	dir := t.TempDir()
	decisions = filepath.Join(dir, "decisions.jsonl")
	cfg = filepath.Join(dir, "guard.yaml")
	mustWrite(t, cfg, "upstream:\n  kind: http\n  url: "+url+"\noptions:"+e2eOptions+"\ndecisionLog:\n  output: "+decisions+"\n"+strings.Join(extra, ""))
	return cfg, decisions
}

// startGuardStoppable runs the guard like startGuard and also returns stop,
// which ends run's context — what SIGTERM does to the binary — and returns
// run's error.
func startGuardStoppable(t *testing.T, args ...string) (string, func() error) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	stdout, stderr := &syncbuf.Buffer{}, &syncbuf.Buffer{}
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, append([]string{"serve", "--listen", "127.0.0.1:0"}, args...), stdout, stderr)
	}()
	var once sync.Once
	var runErr error
	stop := func() error {
		once.Do(func() {
			cancel()
			runErr = <-done
		})
		return runErr
	}
	t.Cleanup(func() { _ = stop() })
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		if m := listeningRE.FindStringSubmatch(stderr.String()); m != nil && regexp.MustCompile(`msg="policies loaded"`).MatchString(stderr.String()) {
			return "http://" + m[1], stop
		}
		time.Sleep(10 * time.Millisecond)
	}
	t.Fatalf("guard did not start:\n%s", stderr.String())
	return "", nil
}

// TestE2EEventFanOut: however many clients subscribe, the guard holds one
// event stream to the service, and it decides each event's read once per
// distinct subscription input (here two callers), not once per subscriber.
func TestE2EEventFanOut(t *testing.T) {
	t.Parallel()
	up := startUpstream(t)
	cfg, decisions := sidecarConfig(t, up.url)
	base := startGuard(t, "--config", cfg)

	const subscribers = 300
	streams := make([]*sse, subscribers)
	for i := range streams {
		origin := []string{"https://crm.example", "https://kb.example"}[i%2]
		streams[i] = openEvents(t, base+"/v1/events?subscribe=interaction", "Origin", origin)
	}
	if n := up.streams.Load(); n != 1 {
		t.Errorf("%d subscribers opened %d event streams to the service, want 1", subscribers, n)
	}

	w := send(t, http.MethodPatch, base+"/v1/interactions/1/user-data", `{"Notes":"fan out"}`).expect(t, http.StatusOK, "")
	for i, s := range streams {
		ev := s.next(t, "CHANGED")
		it := ev["data"].(map[string]any)["interaction"].(map[string]any)
		ud := it["userData"].(map[string]any)
		if ud["Notes"] != "fan out" || ud["Secret"] != nil {
			t.Fatalf("subscriber %d got userData %v, want Notes and no Secret (read-allowed)", i, ud)
		}
	}
	// A later decision marks the end of what the write caused in the log.
	marker := send(t, http.MethodGet, base+"/v1/interactions/4", "").expect(t, http.StatusOK, "").header.Get("X-Decision-Id")
	log := readLogUntil(t, decisions, w.header.Get("X-Decision-Id"), marker)
	reads := map[string]int{}
	for _, line := range strings.Split(strings.TrimSpace(log), "\n") {
		var entry struct {
			Input struct {
				Operation   string         `json:"operation"`
				Interaction map[string]any `json:"interaction"`
				Caller      struct {
					Origin string `json:"origin"`
				} `json:"caller"`
			} `json:"input"`
		}
		if err := json.Unmarshal([]byte(line), &entry); err != nil {
			t.Fatalf("decision log line %q: %v", line, err)
		}
		if entry.Input.Operation == "subscribe" && entry.Input.Interaction != nil {
			reads[entry.Input.Caller.Origin]++
		}
	}
	if want := map[string]int{"https://crm.example": 1, "https://kb.example": 1}; !equalCounts(reads, want) {
		t.Errorf("read decisions of the write's event by caller = %v, want %v (one per distinct input)", reads, want)
	}
}

func equalCounts(a, b map[string]int) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if b[k] != v {
			return false
		}
	}
	return true
}

// TestE2EShutdownFinishesRequests: stopping the guard (SIGTERM) lets a
// request in flight finish with its answer, and ends event streams cleanly
// rather than cutting them.
func TestE2EShutdownFinishesRequests(t *testing.T) {
	t.Parallel()
	up := startUpstream(t)
	cfg, _ := sidecarConfig(t, up.url)
	base, stop := startGuardStoppable(t, "--config", cfg)

	// The same read answers while the guard runs.
	send(t, http.MethodGet, base+"/v1/interactions/1", "").expect(t, http.StatusOK, "")

	resp, err := http.Get(base + "/v1/events?subscribe=interaction")
	if err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("events: %v %v", resp, err)
	}
	streamEnd := make(chan error, 1)
	go func() {
		_, err := io.Copy(io.Discard, bufio.NewReader(resp.Body))
		resp.Body.Close()
		streamEnd <- err
	}()

	up.slow.Store(int64(time.Second))
	answer := make(chan reply, 1)
	go func() { answer <- send(t, http.MethodGet, base+"/v1/interactions/1", "") }()
	<-up.held // the read is at the service
	if err := stop(); err != nil {
		t.Fatalf("run: %v", err)
	}
	r := <-answer
	r.expect(t, http.StatusOK, "")
	if r.body["interactionId"] != "1" {
		t.Errorf("answer = %s", r.raw)
	}
	if err := <-streamEnd; err != nil && !errors.Is(err, io.EOF) {
		t.Errorf("the event stream was cut, not ended: %v", err)
	}
}
