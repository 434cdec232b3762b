package main

import (
	"bufio"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"
)

// TestE2EEventFanOut: however many clients subscribe, the guard holds one
// event stream to the service, and it decides each event's read once per
// distinct subscription input (here two callers), not once per subscriber.
func TestE2EEventFanOut(t *testing.T) {
	t.Parallel()
	up := startUpstream(t)
	base, decisions := startSidecar(t, up.url)

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
