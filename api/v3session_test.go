package api

import (
	"net/http"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/wwe-guard/wwe-guard/internal/policy"
	"github.com/wwe-guard/wwe-guard/internal/wwe"
)

func TestV3SessionsBoundedAndIdle(t *testing.T) {
	t.Parallel()
	ss := newV3Sessions(2, time.Minute)
	now := time.Unix(1000, 0)
	ss.now = func() time.Time { return now }
	a := ss.get("a")
	a.remember([]*wwe.Interaction{{InteractionID: "1", State: wwe.StateTalking}})
	ss.get("b")
	ss.get("a") // a is now the most recently used
	ss.get("c") // so b goes
	if ss.len() != 2 || ss.get("a") != a {
		t.Fatalf("the most recently used session was dropped")
	}
	if got := ss.get("a").interaction("1"); got == nil {
		t.Fatalf("the session lost its view")
	}
	now = now.Add(2 * time.Minute)
	if fresh := ss.get("a"); fresh == a || fresh.interaction("1") != nil {
		t.Errorf("an idle session kept its state")
	}
	ss.drop("a")
	if ss.len() != 0 {
		t.Errorf("after the idle expiry and a drop, %d sessions remain", ss.len())
	}
}

func TestV3SessionPendingWrites(t *testing.T) {
	t.Parallel()
	s := newV3Sessions(10, time.Hour).get("k")
	s.remember([]*wwe.Interaction{{InteractionID: "1", State: wwe.StateTalking, UserData: wwe.UserData{"A": "1", "B": "2"}}})
	s.forwarded("1", []policy.Write{{Op: policy.WriteSet, Key: "C", Value: "3"}, {Op: policy.WriteDelete, Key: "A"}})
	if diff := cmp.Diff(wwe.UserData{"B": "2", "C": "3"}, s.interaction("1").UserData); diff != "" {
		t.Errorf("view with pending writes (-want +got):\n%s", diff)
	}
	// GWS reports the interaction again: its report is the truth, the
	// pending writes are confirmed (or not) by it.
	s.remember([]*wwe.Interaction{{InteractionID: "1", State: wwe.StateTalking, UserData: wwe.UserData{"B": "2"}}})
	if diff := cmp.Diff(wwe.UserData{"B": "2"}, s.interaction("1").UserData); diff != "" {
		t.Errorf("view after GWS's report (-want +got):\n%s", diff)
	}
	s.remember([]*wwe.Interaction{{InteractionID: "1", State: wwe.StateCompleted}})
	if s.interaction("1") != nil {
		t.Errorf("a completed interaction stayed in the view")
	}
}

func TestV3SessionKey(t *testing.T) {
	t.Parallel()
	for name, tc := range map[string]struct {
		cookie, want string
		bad          bool
	}{
		"session cookie":         {"BAYEUX_BROWSER=x; WORKSPACE_SESSIONID=abc; other=1", "WORKSPACE_SESSIONID=abc", false},
		"no session cookie":      {"b=2; a=1; BAYEUX_BROWSER=x", "a=1; b=2", false},
		"session cookie twice":   {"WORKSPACE_SESSIONID=abc; WORKSPACE_SESSIONID=def", "", true},
		"same one twice":         {"WORKSPACE_SESSIONID=abc; WORKSPACE_SESSIONID=abc", "", true},
		"no cookies: no session": {"", "", false},
	} {
		r, _ := http.NewRequest(http.MethodGet, "/", nil)
		if tc.cookie != "" {
			r.Header.Set("Cookie", tc.cookie)
		}
		got, err := v3SessionKey(r)
		if (err != nil) != tc.bad || got != tc.want {
			t.Errorf("%s: key %q, err %v; want %q, refused %v", name, got, err, tc.want, tc.bad)
		}
	}
}
