package main

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
)

// TestE2EServiceErrorsMapped: what a remote service says when it refuses a
// call never reaches the client as is (DESIGN §9.1 "Service errors"). The
// codes of the contract keep their status and code with the guard's own
// message (MARKDONE_BLOCKED keeps its warningMessages); anything else is
// 502 SERVICE_UNAVAILABLE. The service's text goes to the guard's log.
func TestE2EServiceErrorsMapped(t *testing.T) {
	t.Parallel()
	const (
		card   = "4111 1111 1111 1111"
		secret = "078-05-1120"
	)
	var changedWrites atomic.Int32
	answer := func(w http.ResponseWriter, status int, body string) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(status)
		fmt.Fprint(w, body)
	}
	fake := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		id, rest, _ := strings.Cut(strings.TrimPrefix(r.URL.Path, "/v1/interactions/"), "/")
		if r.Method == http.MethodGet && rest == "" && id != "gone" {
			answer(w, http.StatusOK, `{"interactionId":"`+id+`","mediaType":"voice","state":"TALKING","isMainCaseInteraction":true,"userData":{"DispositionCode":"Sale"},"markdoneBlocks":[]}`)
			return
		}
		switch id + " " + r.Method + " " + rest {
		case "gone GET ":
			answer(w, http.StatusNotFound, `{"errorCode":"INTERACTION_NOT_FOUND","errorMessage":"no interaction with SSN `+secret+`"}`)
		case "ok PATCH user-data":
			answer(w, http.StatusOK, `{"interactionId":"ok","mediaType":"voice","state":"TALKING","userData":{"Notes":"x"}}`)
		case "oops PATCH user-data":
			answer(w, http.StatusInternalServerError, `{"errorCode":"OOPS","errorMessage":"card `+card+` rejected"}`)
		case "idle PATCH user-data":
			answer(w, http.StatusConflict, `{"errorCode":"INTERACTION_NOT_LIVE","errorMessage":"cannot write card `+card+`"}`)
		case "odd PATCH user-data":
			// A known code with a status the contract does not give it.
			answer(w, http.StatusInternalServerError, `{"errorCode":"INTERACTION_NOT_LIVE","errorMessage":"card `+card+`"}`)
		case "raced PATCH user-data":
			changedWrites.Add(1)
			answer(w, http.StatusConflict, `{"errorCode":"INTERACTION_CHANGED","errorMessage":"now holds `+secret+`"}`)
		case "blocked POST markdone":
			answer(w, http.StatusConflict, `{"errorCode":"MARKDONE_BLOCKED","errorMessage":"blocked for SSN `+secret+`","warningMessages":["Finish the survey"],"deniedKeys":["SSN"],"decisionId":"theirs"}`)
		default:
			http.NotFound(w, r)
		}
	}))
	t.Cleanup(fake.Close)
	cfg := writeHTTPConfig(t, fake.URL, "", "")
	base, logs := startGuardOutput(t, "--config", cfg)
	patch := func(id string) reply {
		return send(t, http.MethodPatch, base+"/v1/interactions/"+id+"/user-data", `{"Notes":"x"}`)
	}

	// The fake service answers, and an allowed write goes through it.
	if r := patch("ok").expect(t, http.StatusOK, ""); r.userData()["Notes"] != "x" {
		t.Fatalf("allowed write through the fake service: %s", r.raw)
	}

	tests := []struct {
		name    string
		do      func() reply
		status  int
		code    string
		message string
	}{
		{"unknown code", func() reply { return patch("oops") }, http.StatusBadGateway, "SERVICE_UNAVAILABLE", "the interaction service could not complete the request"},
		{"not live", func() reply { return patch("idle") }, http.StatusConflict, "INTERACTION_NOT_LIVE", "the interaction is not live"},
		{"known code, wrong status", func() reply { return patch("odd") }, http.StatusBadGateway, "SERVICE_UNAVAILABLE", "the interaction service could not complete the request"},
		{"changed, after the retries", func() reply { return patch("raced") }, http.StatusConflict, "INTERACTION_CHANGED", "the interaction changed while the request was decided; try again"},
		{"markdone blocked", func() reply { return send(t, http.MethodPost, base+"/v1/interactions/blocked/markdone", "") }, http.StatusConflict, "MARKDONE_BLOCKED", "Finish the survey"},
		{"not found", func() reply { return send(t, http.MethodGet, base+"/v1/interactions/gone", "") }, http.StatusNotFound, "INTERACTION_NOT_FOUND", `interaction "gone" not found`},
		{"over SCAPI", func() reply {
			return send(t, http.MethodPost, base+"/v1/scapi", `{"request":"interaction.setUserData","parameters":["oops",{"Notes":"x"}],"referenceId":"s1"}`)
		}, http.StatusBadGateway, "SERVICE_UNAVAILABLE", "the interaction service could not complete the request"},
	}
	for _, tt := range tests {
		r := tt.do()
		if r.status != tt.status || r.body["errorCode"] != tt.code || r.body["errorMessage"] != tt.message {
			t.Errorf("%s: %d %s, want %d %s %q", tt.name, r.status, r.raw, tt.status, tt.code, tt.message)
		}
		for _, leak := range []string{card, secret, "OOPS", "theirs", `"SSN"`} {
			if strings.Contains(r.raw, leak) {
				t.Errorf("%s: the client sees %q: %s", tt.name, leak, r.raw)
			}
		}
		if tt.code == "MARKDONE_BLOCKED" && fmt.Sprint(r.body["warningMessages"]) != "[Finish the survey]" {
			t.Errorf("%s: warningMessages not kept: %s", tt.name, r.raw)
		}
	}
	if n := changedWrites.Load(); n != 3 {
		t.Errorf("INTERACTION_CHANGED was tried %d times, want 3 (the conditional-write retry)", n)
	}
	out := logs.String()
	for _, want := range []string{"OOPS", "card " + card + " rejected", "cannot write card " + card, "blocked for SSN " + secret} {
		if !strings.Contains(out, want) {
			t.Errorf("the guard's log lacks the service's text %q:\n%s", want, out)
		}
	}
	decisions := readFile(t, filepath.Join(filepath.Dir(cfg), "decisions.jsonl"))
	if strings.Contains(decisions, card) {
		t.Errorf("the decision log holds the service's text")
	}
}
