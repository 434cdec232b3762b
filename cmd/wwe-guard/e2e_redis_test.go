package main

import (
	"context"
	"net"
	"net/http"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
)

// startRedis runs redis-server on a free loopback port until the test ends
// and returns its address and a function that stops it early. Without
// redis-server the test skips, except under CI=true, where it fails.
func startRedis(t *testing.T) (addr string, stop func()) {
	t.Helper()
	bin, err := exec.LookPath("redis-server")
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal("redis-server is needed (.ci/run installs it)")
		}
		t.Skip("redis-server is not installed")
	}
	addr = closedAddr(t)
	_, port, _ := net.SplitHostPort(addr)
	cmd := exec.Command(bin, "--port", port, "--bind", "127.0.0.1", "--save", "", "--appendonly", "no")
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan struct{})
	go func() { _ = cmd.Wait(); close(done) }()
	stop = func() {
		_ = cmd.Process.Kill()
		<-done
	}
	t.Cleanup(stop)
	for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(20 * time.Millisecond) {
		if c, err := net.Dial("tcp", addr); err == nil {
			c.Close()
			return addr, stop
		}
		if time.Now().After(deadline) {
			t.Fatal("redis-server did not start")
		}
	}
}

// TestE2ERateLimitsSharedInRedis: two guards with rateLimits.store redis
// draw from one bucket — four reads a minute between them, not four each —
// and when Redis goes away a limited request is refused (429, logged)
// while an unlimited one still goes through.
func TestE2ERateLimitsSharedInRedis(t *testing.T) {
	t.Parallel()
	addr, stopRedis := startRedis(t)
	options := e2eOptions + "  service-client-api.rate-limit.interaction.getByInteractionId: 4\n"
	store := "rateLimits:\n  store: redis\n  redis:\n    url: redis://" + addr + "/0\n"
	a, aLog := startGuardOutput(t, "--config", writeConfig(t, options, store))
	b := startGuard(t, "--config", writeConfig(t, options, store))

	for i, base := range []string{a, b, a, b} {
		if r := send(t, http.MethodGet, base+"/v1/interactions/1", ""); r.status != http.StatusOK {
			t.Fatalf("read %d: %d %s", i+1, r.status, r.raw)
		}
	}
	for _, base := range []string{b, a} {
		r := send(t, http.MethodGet, base+"/v1/interactions/1", "").expect(t, http.StatusTooManyRequests, "RATE_LIMITED")
		if s, err := strconv.Atoi(r.header.Get("Retry-After")); err != nil || s < 1 {
			t.Errorf("Retry-After %q", r.header.Get("Retry-After"))
		}
	}
	// A guard on its own (memory) would have allowed four reads by itself.
	alone := startGuard(t, "--config", writeConfig(t, options, ""))
	for range 4 {
		send(t, http.MethodGet, alone+"/v1/interactions/1", "").expect(t, http.StatusOK, "")
	}

	stopRedis()
	send(t, http.MethodGet, a+"/v1/interactions/2", "").expect(t, http.StatusTooManyRequests, "RATE_LIMITED")
	waitFor(t, aLog, "rate limit store unreachable")
	send(t, http.MethodPatch, a+"/v1/interactions/1/user-data", `{"Notes":"n"}`).expect(t, http.StatusOK, "")

	expectRefusedConfig(t, writeConfig(t, "", "rateLimits:\n  store: redis\n"), "rateLimits: store redis and redis.url go together")
}

// TestRedisConnectionsClosedOnStop: a stopped guard leaves no connection
// open to Redis (the store is closed with the server).
func TestRedisConnectionsClosedOnStop(t *testing.T) {
	t.Parallel()
	addr, _ := startRedis(t)
	options := e2eOptions + "  service-client-api.rate-limit.interaction.getByInteractionId: 10\n"
	base, stop := startGuardStoppable(t, "--config", writeConfig(t, options, "rateLimits:\n  store: redis\n  redis:\n    url: redis://"+addr+"/0\n"))
	send(t, http.MethodGet, base+"/v1/interactions/1", "").expect(t, http.StatusOK, "")
	admin := redis.NewClient(&redis.Options{Addr: addr})
	defer admin.Close()
	others := func() int {
		list, err := admin.ClientList(context.Background()).Result()
		if err != nil {
			t.Fatal(err)
		}
		return strings.Count(strings.TrimSpace(list), "\n") // every line but the admin's own
	}
	if n := others(); n == 0 {
		t.Fatal("the guard holds no connection to Redis while serving")
	}
	if err := stop(); err != nil {
		t.Fatal(err)
	}
	for deadline := time.Now().Add(5 * time.Second); others() != 0; time.Sleep(20 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("%d connections to Redis left after the guard stopped", others())
		}
	}
}
