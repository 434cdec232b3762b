package api

import (
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/wwe-guard/wwe-guard/internal/wwe"
)

// TestTablesCoverEveryOperation: every operation of the namespace but the
// event subscription has one REST route and one SCAPI request, and the
// SCAPI request names its parameters for the operation's target.
func TestTablesCoverEveryOperation(t *testing.T) {
	t.Parallel()
	for _, op := range wwe.Operations {
		if op == wwe.OpSubscribe || !op.InNamespace() {
			continue
		}
		routes := slices.DeleteFunc(slices.Clone(restRoutes), func(r restRoute) bool { return r.op != op })
		if len(routes) != 1 {
			t.Errorf("%s has %d REST routes, want 1", op, len(routes))
		}
		r, ok := scapiRequests[op]
		if !ok || r.op != op {
			t.Errorf("%s has no SCAPI request", op)
			continue
		}
		want := map[wwe.Target]string{wwe.NoTarget: "", wwe.TargetInteraction: "interactionId", wwe.TargetCase: "caseId"}[op.Semantics().Target]
		var first string
		if len(r.params) > 0 {
			first = r.params[0].name
		}
		if first != want {
			t.Errorf("%s: first SCAPI parameter %q, want %q", op, first, want)
		}
	}
}

// TestRESTRequest: the service client's requests come from the REST routes.
func TestRESTRequest(t *testing.T) {
	t.Parallel()
	tests := []struct {
		cmd    wwe.Command
		method string
		path   string
		body   any
	}{
		{wwe.Command{Op: wwe.OpGetByInteractionID, InteractionID: "a/b"}, http.MethodGet, "interactions|a/b", nil},
		{wwe.Command{Op: wwe.OpSetUserData, InteractionID: "1", KeyValues: wwe.UserData{"K": "v"}}, http.MethodPatch, "interactions|1|user-data", wwe.UserData{"K": "v"}},
		{wwe.Command{Op: wwe.OpDeleteUserData, InteractionID: "1", Key: "K"}, http.MethodDelete, "interactions|1|user-data|K", nil},
		{wwe.Command{Op: wwe.OpBlockMarkdone, InteractionID: "1", WarningMessage: "w"}, http.MethodPut, "interactions|1|markdone-block", map[string]any{"warningMessage": "w"}},
		{wwe.Command{Op: wwe.OpSelectCaseByCaseID, CaseID: "c"}, http.MethodPost, "cases|c|select", nil},
		{wwe.Command{Op: wwe.OpConsult, InteractionID: "1", Target: "t"}, http.MethodPost, "interactions|1|consult", map[string]any{"target": "t"}},
		{wwe.Command{Op: wwe.OpSingleStepTransfer, InteractionID: "1", Target: "t", KeyValues: wwe.UserData{"K": "v"}, Extensions: wwe.UserData{"E": "x"}},
			http.MethodPost, "interactions|1|single-step-transfer", map[string]any{"target": "t", "userData": wwe.UserData{"K": "v"}, "extensions": wwe.UserData{"E": "x"}}},
	}
	for _, tt := range tests {
		method, path, body, err := RESTRequest(tt.cmd)
		if err != nil {
			t.Fatalf("%s: %v", tt.cmd.Op, err)
		}
		if method != tt.method || strings.Join(path, "|") != tt.path {
			t.Errorf("%s: %s %q, want %s %q", tt.cmd.Op, method, path, tt.method, tt.path)
		}
		if diff := cmp.Diff(tt.body, body); diff != "" {
			t.Errorf("%s body (-want +got):\n%s", tt.cmd.Op, diff)
		}
	}
	if _, _, _, err := RESTRequest(wwe.Command{Op: wwe.OpSubscribe}); err == nil {
		t.Error("a request for the event subscription, which has no route")
	}
}
