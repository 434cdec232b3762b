package main

import (
	"net/http"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// reloadDir is a directory holding a guard's config, its seed and its
// decision log (values kept).
type reloadDir struct{ dir, seed, log, cfg string }

func newReloadDir(t *testing.T) reloadDir {
	dir := t.TempDir()
	d := reloadDir{dir: dir, seed: filepath.Join(dir, "seed.json"), log: filepath.Join(dir, "decisions.jsonl"), cfg: filepath.Join(dir, "guard.yaml")}
	mustWrite(t, d.seed, e2eSeed)
	return d
}

// config is a config whose write-allowed option is writeAllowed, extra
// appended at the top level.
func (d reloadDir) config(writeAllowed, extra string) string {
	return "upstream:\n  kind: embedded\n  seed: " + d.seed + "\noptions:\n  service-client-api.user-data.write-allowed: \"" + writeAllowed +
		"\"\ndecisionLog:\n  output: " + d.log + "\n  values: keep\n" + extra
}

// replaceFile writes content to path as editors and config tools do: a new
// file renamed over the old one.
func replaceFile(t *testing.T, path, content string) {
	t.Helper()
	tmp := path + ".tmp"
	mustWrite(t, tmp, content)
	if err := os.Rename(tmp, path); err != nil {
		t.Fatal(err)
	}
}

// waitStatus sends a write until it gets status.
func waitStatus(t *testing.T, url, body string, status int) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for send(t, http.MethodPatch, url, body).status != status {
		if time.Now().After(deadline) {
			t.Fatalf("PATCH %s never answered %d", body, status)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// TestE2EReloadOnFileChange: a changed config file is applied without a
// restart (options and limits); a config that does not load, or a policy
// that does not compile, is logged and the last good one stays; a change
// that needs a restart is said and not applied; metrics count each result.
func TestE2EReloadOnFileChange(t *testing.T) {
	t.Parallel()
	d := newReloadDir(t)
	cfg := d.cfg
	mustWrite(t, cfg, d.config("Notes", ""))
	base, stderr := startGuardOutput(t, "--config", cfg)
	url := base + "/v1/interactions/1/user-data"
	send(t, http.MethodPatch, url, `{"CustomerSegment":"x"}`).expect(t, http.StatusForbidden, "USER_DATA_WRITE_NOT_ALLOWED")

	replaceFile(t, cfg, d.config("Notes,CustomerSegment", "limits:\n  maxKeys: 1\n"))
	waitStatus(t, url, `{"CustomerSegment":"x"}`, http.StatusOK)
	send(t, http.MethodPatch, url, `{"Notes":"a","CustomerSegment":"b"}`).expect(t, http.StatusBadRequest, "INVALID_REQUEST")

	replaceFile(t, cfg, "options: [this is not a map\n")
	waitFor(t, stderr, "keeping the last good config")
	send(t, http.MethodPatch, url, `{"CustomerSegment":"y"}`).expect(t, http.StatusOK, "")

	policy := filepath.Join(d.dir, "policy", "team.rego")
	mustWrite(t, policy, "package wwe.userdata\n\ndeny contains {\"key\": \"x\", \"code\": \"X\", \"message\": \"x\"} if {\n")
	replaceFile(t, cfg, d.config("Notes,CustomerSegment", "policies:\n  bundled: true\n  paths: [policy]\n"))
	waitFor(t, stderr, "team.rego:")
	send(t, http.MethodPatch, url, `{"CustomerSegment":"z"}`).expect(t, http.StatusOK, "")

	replaceFile(t, cfg, d.config("Notes", "metrics:\n  enabled: false\n"))
	waitStatus(t, url, `{"CustomerSegment":"x"}`, http.StatusForbidden)
	waitFor(t, stderr, `config changes that need a restart were not applied" fields=[metrics]`)

	text := scrape(t, base)
	if ok, failed := series(text, `wwe_guard_policy_reloads_total{result="success"}`), series(text, `wwe_guard_policy_reloads_total{result="failure"}`); ok < 2 || failed < 2 {
		t.Errorf("reloads counted: %v successes, %v failures; want at least 2 of each", ok, failed)
	}
}

// TestE2EReloadSymlinkSwap: a config mounted as Kubernetes mounts a
// ConfigMap (the file a link through ..data, swapped in one rename) is
// reloaded when the link is swapped.
func TestE2EReloadSymlinkSwap(t *testing.T) {
	t.Parallel()
	d := newReloadDir(t)
	mount := filepath.Join(d.dir, "config")
	publish := func(version, content string) {
		mustWrite(t, filepath.Join(mount, version, "guard.yaml"), content)
		tmp := filepath.Join(mount, "..data_tmp")
		if err := os.Symlink(version, tmp); err != nil {
			t.Fatal(err)
		}
		if err := os.Rename(tmp, filepath.Join(mount, "..data")); err != nil {
			t.Fatal(err)
		}
	}
	publish("..v1", d.config("Notes", ""))
	cfg := filepath.Join(mount, "guard.yaml")
	if err := os.Symlink(filepath.Join("..data", "guard.yaml"), cfg); err != nil {
		t.Fatal(err)
	}
	base := startGuard(t, "--config", cfg)
	url := base + "/v1/interactions/1/user-data"
	send(t, http.MethodPatch, url, `{"CustomerSegment":"x"}`).expect(t, http.StatusForbidden, "USER_DATA_WRITE_NOT_ALLOWED")
	publish("..v2", d.config("Notes,CustomerSegment", ""))
	waitStatus(t, url, `{"CustomerSegment":"x"}`, http.StatusOK)
}

// TestE2EReloadUnderLoad: while writes of CustomerSegment run without
// pause, the config flips between allowing and refusing it; every logged
// decision's config_revision names options that give its answer — all
// the decisions of one revision agree — and both answers were seen.
func TestE2EReloadUnderLoad(t *testing.T) {
	t.Parallel()
	d := newReloadDir(t)
	cfg := d.cfg
	mustWrite(t, cfg, d.config("Notes", ""))
	base := startGuard(t, "--config", cfg)

	var stop atomic.Bool
	var wg sync.WaitGroup
	for range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for !stop.Load() {
				send(t, http.MethodPatch, base+"/v1/interactions/2/user-data", `{"CustomerSegment":"x"}`)
			}
		}()
	}
	for i := range 6 {
		allowed := "Notes"
		if i%2 == 0 {
			allowed = "Notes,CustomerSegment"
		}
		replaceFile(t, cfg, d.config(allowed, ""))
		time.Sleep(400 * time.Millisecond)
	}
	stop.Store(true)
	wg.Wait()
	last := send(t, http.MethodGet, base+"/v1/interactions/2", "").header.Get("X-Decision-Id")

	byRevision := map[string]map[bool]int{}
	for _, e := range decisionEntries(t, readLogUntil(t, d.log, last)) {
		in := e["input"].(map[string]any)
		if in["operation"] != "setUserData" {
			continue
		}
		rev := e["labels"].(map[string]any)["config_revision"].(string)
		if byRevision[rev] == nil {
			byRevision[rev] = map[bool]int{}
		}
		byRevision[rev][e["result"].(map[string]any)["allow"].(bool)]++
	}
	answers := map[bool]bool{}
	for rev, n := range byRevision {
		if len(n) != 1 {
			t.Errorf("revision %s allowed %d and refused %d writes of the same key", rev, n[true], n[false])
		}
		for allow := range n {
			answers[allow] = true
		}
	}
	if len(byRevision) != 2 || !answers[true] || !answers[false] {
		t.Errorf("revisions %v: want two, one allowing and one refusing", byRevision)
	}
}
