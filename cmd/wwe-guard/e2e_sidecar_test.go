package main

import (
	"bufio"
	"net/http"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/wwe-guard/wwe-guard/internal/testkit"
)

// startSim builds cmd/wwe-sim and starts it as its own process on a free
// port with the end-to-end seed; it returns the service's base URL.
func startSim(t *testing.T) string {
	t.Helper()
	return startSimSeed(t, e2eSeed)
}

// startSimSeed is startSim with the seed given (JSON).
func startSimSeed(t *testing.T, seedJSON string) string {
	t.Helper()
	dir := t.TempDir()
	bin := filepath.Join(dir, "wwe-sim")
	build := exec.Command("go", "build", "-o", bin, "../wwe-sim")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("build wwe-sim: %v\n%s", err, out)
	}
	seed := filepath.Join(dir, "seed.json")
	mustWrite(t, seed, seedJSON)
	cmd := exec.Command(bin, "--listen", "127.0.0.1:0", "--seed", seed)
	stderr := testkit.Start(t, cmd, cmd.StderrPipe)
	addr := make(chan string, 1)
	exited := make(chan string, 1)
	go func() {
		re := regexp.MustCompile(`addr=(\S+)`)
		sc := bufio.NewScanner(stderr)
		var out strings.Builder
		for sc.Scan() {
			out.WriteString(sc.Text() + "\n")
			if m := re.FindStringSubmatch(sc.Text()); m != nil && strings.Contains(sc.Text(), "listening") {
				addr <- m[1]
			}
		}
		exited <- out.String()
	}()
	select {
	case a := <-addr:
		return "http://" + strings.Trim(a, `"`)
	case out := <-exited:
		t.Fatalf("wwe-sim stopped before listening:\n%s", out)
	case <-time.After(30 * time.Second):
		t.Fatal("wwe-sim did not report its address")
	}
	return ""
}

// TestE2ESidecar runs the guard as a sidecar in front of wwe-sim as its own
// process: allowed calls reach the service, refused ones never do, and the
// service's events come through filtered.
func TestE2ESidecar(t *testing.T) {
	t.Parallel()
	if testing.Short() {
		t.Skip("builds and starts wwe-sim")
	}
	sim := startSim(t)
	cfg := writeConfig(t, "", "")
	// Point the guard at the simulator instead of the embedded service.
	body := strings.Replace(readFile(t, cfg), "kind: embedded\n  seed: "+filepath.Join(filepath.Dir(cfg), "seed.json"), "kind: http\n  url: "+sim, 1)
	mustWrite(t, cfg, body)
	base := startGuard(t, "--config", cfg)
	events := openEvents(t, base+"/v1/events?subscribe=interaction,markdone")

	send(t, http.MethodPatch, base+"/v1/interactions/1/user-data", `{"Notes":"through the sidecar"}`).expect(t, http.StatusOK, "")
	direct := send(t, http.MethodGet, sim+"/v1/interactions/1", "").expect(t, http.StatusOK, "")
	if direct.userData()["Notes"] != "through the sidecar" {
		t.Errorf("allowed write did not reach the service: %s", direct.raw)
	}
	ev := events.next(t, "CHANGED")
	if strings.Contains(mustJSON(t, ev), "Secret") {
		t.Errorf("relayed event leaks a hidden key: %v", ev)
	}

	before := snapshot(t, sim)
	send(t, http.MethodPatch, base+"/v1/interactions/1/user-data", `{"SSN":"1"}`).expect(t, http.StatusForbidden, "USER_DATA_WRITE_NOT_ALLOWED")
	send(t, http.MethodPost, base+"/v1/interactions/1/markdone", "").expect(t, http.StatusConflict, "MARKDONE_BLOCKED")
	send(t, http.MethodPost, base+"/v1/scapi", `{"request":"interaction.deleteUserData","parameters":["1","Secret"],"referenceId":"1"}`).expect(t, http.StatusForbidden, "USER_DATA_WRITE_NOT_ALLOWED")
	if got := snapshot(t, sim); got != before {
		t.Errorf("refused calls reached the service:\nbefore %s\nafter  %s", before, got)
	}
	send(t, http.MethodPatch, base+"/v1/interactions/2/user-data", `{"Notes":"x"}`).expect(t, http.StatusConflict, "INTERACTION_NOT_LIVE")
	send(t, http.MethodGet, base+"/v1/interactions/nope", "").expect(t, http.StatusNotFound, "INTERACTION_NOT_FOUND")

	send(t, http.MethodPut, base+"/v1/interactions/1/markdone-block", `{"warningMessage":"Wait"}`, "Origin", "https://crm").expect(t, http.StatusOK, "")
	r := send(t, http.MethodGet, sim+"/v1/interactions/1", "")
	if !strings.Contains(r.raw, `"origin":"https://crm"`) {
		t.Errorf("the block's owner did not reach the service: %s", r.raw)
	}
	send(t, http.MethodGet, base+"/ready", "").expect(t, http.StatusOK, "")
}

// TestE2EServiceUnavailable: a guard whose service is gone answers 502 and
// is not ready.
func TestE2EServiceUnavailable(t *testing.T) {
	t.Parallel()
	cfg := writeTemp(t, "guard.yaml", "upstream:\n  kind: http\n  url: http://127.0.0.1:1\n  timeout: 1s\ndecisionLog:\n  output: none\n")
	base := startGuard(t, "--config", cfg)
	send(t, http.MethodGet, base+"/v1/interactions/1", "").expect(t, http.StatusBadGateway, "SERVICE_UNAVAILABLE")
	send(t, http.MethodGet, base+"/ready", "").expect(t, http.StatusServiceUnavailable, "NOT_READY")
	send(t, http.MethodGet, base+"/health", "").expect(t, http.StatusOK, "")
}
