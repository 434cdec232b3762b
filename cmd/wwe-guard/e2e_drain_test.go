package main

import (
	"net/http"
	"testing"
	"time"
)

// TestE2EDrain: when the guard is told to stop (SIGTERM ends run's
// context), /ready answers 503 at once while a slow request already in
// flight, and a new one during shutdown.wait, are still served with 200;
// then the listener closes, the slow request finishes, and run returns.
func TestE2EDrain(t *testing.T) {
	t.Parallel()
	up := startUpstream(t)
	cfg, _ := sidecarConfig(t, up.url, "shutdown:\n  wait: 1s\n  grace: 10s\n")
	base, stop := startGuardStoppable(t, "--config", cfg, "--shutdown-wait", "1s")
	send(t, http.MethodGet, base+"/ready", "").expect(t, http.StatusOK, "")

	up.slow.Store(int64(1500 * time.Millisecond))
	slow := make(chan reply, 1)
	go func() { slow <- send(t, http.MethodGet, base+"/v1/interactions/1", "") }()
	<-up.held // the slow request is at the service
	stopped := make(chan error, 1)
	go func() { stopped <- stop() }()

	fresh := &http.Client{Transport: &http.Transport{DisableKeepAlives: true}}
	deadline := time.Now().Add(500 * time.Millisecond)
	for sendWith(t, fresh, http.MethodGet, base+"/ready", "").status != http.StatusServiceUnavailable {
		if time.Now().After(deadline) {
			t.Fatal("/ready did not turn 503 after the stop")
		}
		time.Sleep(5 * time.Millisecond)
	}
	sendWith(t, fresh, http.MethodGet, base+"/ready", "").expect(t, http.StatusServiceUnavailable, "NOT_READY")
	select {
	case r := <-slow:
		t.Fatalf("the slow request ended (%d) before /ready was seen 503", r.status)
	default:
	}
	sendWith(t, fresh, http.MethodGet, base+"/v1/interactions/2", "").expect(t, http.StatusOK, "")

	(<-slow).expect(t, http.StatusOK, "")
	if err := <-stopped; err != nil {
		t.Fatalf("run: %v", err)
	}
	if _, err := fresh.Get(base + "/health"); err == nil {
		t.Error("the guard still answers after it stopped")
	}
}
