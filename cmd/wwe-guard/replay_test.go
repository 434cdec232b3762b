package main

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/wwe-guard/wwe-guard/guard"
)

// replayOptions admit SSN in the candidate, so its recorded refusals change.
const (
	recordOptions = `
  service-client-api.user-data.write-allowed: "DispositionCode,Notes"
`
	candidateOptions = `
  service-client-api.user-data.write-allowed: "DispositionCode,Notes,SSN"
`
	cardRule = `package wwe.userdata

# METADATA
# title: No card numbers
# labels:
#   code: CARD_NUMBER
deny contains {"key": w.key, "code": "CARD_NUMBER", "message": "card numbers may not be stored"} if {
	some w in input.writes
	w.op == "set"
	regex.match(` + "`" + `^\d{4} \d{4} \d{4} \d{4}$` + "`" + `, w.value)
}
`
)

// record runs a guard with the given decision-log values mode, sends a known
// mix of requests and stops it; it returns the log and the ids of the
// decisions a candidate with the card rule and SSN admitted must change.
func record(t *testing.T, values string) (log string, cards, ssn []string) {
	t.Helper()
	cfg := writeConfig(t, recordOptions, "")
	mustWrite(t, cfg, strings.Replace(readFile(t, cfg), "decisionLog:\n", "decisionLog:\n  values: "+values+"\n", 1))
	log = filepath.Join(filepath.Dir(cfg), "decisions.jsonl")
	t.Run("record "+values, func(t *testing.T) {
		base := startGuard(t, "--config", cfg)
		for range 4 {
			r := send(t, http.MethodPatch, base+"/v1/interactions/1/user-data", `{"Notes":"4111 1111 1111 1111"}`).expect(t, http.StatusOK, "")
			cards = append(cards, r.header.Get("X-Decision-Id"))
		}
		for range 3 {
			send(t, http.MethodPatch, base+"/v1/interactions/1/user-data", `{"Notes":"called back"}`).expect(t, http.StatusOK, "")
		}
		for range 2 {
			r := send(t, http.MethodPatch, base+"/v1/interactions/1/user-data", `{"SSN":"078-05-1120"}`).expect(t, http.StatusForbidden, "USER_DATA_WRITE_NOT_ALLOWED")
			ssn = append(ssn, r.header.Get("X-Decision-Id"))
		}
		send(t, http.MethodGet, base+"/v1/interactions/1", "").expect(t, http.StatusOK, "")
		logEntry(t, log, ssn[1]) // written before the guard stops
	})
	return log, cards, ssn
}

// TestReplay: a candidate policy set that adds a card-number rule and admits
// SSN changes exactly the 4 recorded card writes and the 2 SSN refusals; the
// budget decides the exit status.
func TestReplay(t *testing.T) {
	t.Parallel()
	log, cards, ssn := record(t, "keep")
	dir := t.TempDir()
	mustWrite(t, filepath.Join(dir, "cards.rego"), cardRule)
	candidate := writeConfig(t, candidateOptions, "policies:\n  paths: ["+dir+"]\n")

	var out bytes.Buffer
	if err := run(context.Background(), []string{"replay", "--config", candidate, "--budget", "6", "--json", log}, &out, &bytes.Buffer{}); err != nil {
		t.Fatalf("replay within budget: %v\n%s", err, out.String())
	}
	var rep guard.ReplayReport
	if err := json.Unmarshal(out.Bytes(), &rep); err != nil {
		t.Fatalf("replay --json: %v\n%s", err, out.String())
	}
	if rep.Changed != 6 || rep.Masked != 0 || rep.Unchanged != rep.Replayed-6 || rep.Replayed < 10 {
		t.Errorf("report counts: %+v", rep)
	}
	want := map[string]guard.RuleChanges{"CARD_NUMBER": {Added: 4}, "WRITE_ALLOWED": {Removed: 2}}
	if diff := cmp.Diff(want, rep.ByRule); diff != "" {
		t.Errorf("changes by rule (-want +got):\n%s", diff)
	}
	var ids []string
	for _, c := range rep.Changes {
		ids = append(ids, c.ID)
	}
	wantIDs := append(slices.Clone(cards), ssn...)
	slices.Sort(ids)
	slices.Sort(wantIDs)
	if !slices.Equal(ids, wantIDs) {
		t.Errorf("changed decision ids = %v, want %v", ids, wantIDs)
	}

	out.Reset()
	err := run(context.Background(), []string{"replay", "--config", candidate, "--budget", "5", log}, &out, &bytes.Buffer{})
	if err == nil || !strings.Contains(err.Error(), "6 decision(s) change, over the budget of 5") {
		t.Errorf("replay over budget: %v", err)
	}
	for _, line := range []string{"6 change", "CARD_NUMBER", "+4 newly given", "WRITE_ALLOWED", "-2 no longer given", cards[0] + "  allow -> refuse CARD_NUMBER"} {
		if !strings.Contains(out.String(), line) {
			t.Errorf("replay report lacks %q:\n%s", line, out.String())
		}
	}
}

// TestReplayMaskedValues: with values masked (the default) a rule that reads
// values cannot see them; replay says so rather than passing silently.
func TestReplayMaskedValues(t *testing.T) {
	t.Parallel()
	log, _, _ := record(t, "mask")
	if strings.Contains(readFile(t, log), "4111") {
		t.Fatal("masked decision log holds a card number")
	}
	dir := t.TempDir()
	mustWrite(t, filepath.Join(dir, "cards.rego"), cardRule)
	candidate := writeConfig(t, candidateOptions, "policies:\n  paths: ["+dir+"]\n")
	var out bytes.Buffer
	if err := run(context.Background(), []string{"replay", "--config", candidate, "--budget", "2", log}, &out, &bytes.Buffer{}); err != nil {
		t.Fatalf("replay: %v\n%s", err, out.String())
	}
	if !strings.Contains(out.String(), "2 change") || !strings.Contains(out.String(), "had their user-data values masked") {
		t.Errorf("masked replay report:\n%s", out.String())
	}
	out.Reset()
	if err := run(context.Background(), []string{"replay", "--config", candidate, "--skip-masked", log}, &out, &bytes.Buffer{}); err != nil || !strings.Contains(out.String(), "replayed 0 of") {
		t.Errorf("replay --skip-masked: %v\n%s", err, out.String())
	}
}
