package api

import (
	"net/http"
	"testing"

	"github.com/wwe-guard/wwe-guard/internal/policy"
	"github.com/wwe-guard/wwe-guard/internal/wwe"
)

// TestStripForwardsOnlyAnExactCut: the pipeline forwards a strip verdict
// only when every denied key is a key of the write, whatever the decider
// says; otherwise it refuses with the decision's error and forwards nothing.
func TestStripForwardsOnlyAnExactCut(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		denied []string
		status int
		sent   wwe.UserData // what reaches the service; nil for nothing
	}{
		{"exact cut", []string{"TaxId"}, http.StatusOK, wwe.UserData{"Notes": "x"}},
		{"denied key in another spelling", []string{"TAXID"}, http.StatusForbidden, nil},
		{"one of two denied keys absent", []string{"Other", "TaxId"}, http.StatusForbidden, nil},
		{"empty key", []string{""}, http.StatusForbidden, nil},
		{"no denied key", nil, http.StatusForbidden, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			svc := newFakeService()
			s := New(Config{Service: svc, Decider: deciderFunc(func(in policy.Input) (policy.Decision, error) {
				e := &wwe.Error{Code: wwe.CodeUserDataWriteNotAllowed, Message: "refused", DeniedKeys: tt.denied}
				return policy.Decision{ID: "d1", DeniedKeys: tt.denied,
					Verdict: policy.Verdict{Action: policy.Strip, Would: policy.Strip, Err: e, Enforced: true, Drop: tt.denied}}, nil
			})})
			rec, body := serve(t, s, http.MethodPatch, "/v1/interactions/1/user-data", `{"Notes":"x","TaxId":"1"}`)
			if rec.Code != tt.status {
				t.Fatalf("status %d, want %d: %s", rec.Code, tt.status, rec.Body)
			}
			w := svc.written()
			if tt.sent == nil {
				if len(w) != 0 || body["errorCode"] != string(wwe.CodeUserDataWriteNotAllowed) || rec.Header().Get(headerDeniedKeys) != "" {
					t.Errorf("refused cut: forwarded %+v, body %s, X-Denied-Keys %q", w, rec.Body, rec.Header().Get(headerDeniedKeys))
				}
				return
			}
			if len(w) != 1 || len(w[0].KeyValues) != len(tt.sent) || w[0].KeyValues["Notes"] != tt.sent["Notes"] {
				t.Errorf("forwarded %+v, want %v", w, tt.sent)
			}
		})
	}
}
