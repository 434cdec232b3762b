package workspace

import (
	"errors"
	"net/url"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/wwe-guard/wwe-guard/internal/wwe"
)

func mustURL(tb testing.TB, raw string) *url.URL {
	tb.Helper()
	u, err := url.ParseRequestURI(raw)
	if err != nil {
		tb.Fatal(err)
	}
	return u
}

func TestClassifyDecided(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		method, path string
		want         Route
	}{
		{"POST", "/workspace/v3/voice/calls/90d6c60b8df14288/update-user-data", Route{
			Path: "/workspace/v3/voice/calls/90d6c60b8df14288/update-user-data", Kind: Decided,
			Template: "/workspace/v3/voice/calls/{id}/update-user-data", Operation: wwe.OpSetUserData,
			Request: "workspace.voice.update-user-data", MediaType: "voice", InteractionID: "90d6c60b8df14288", Shape: ShapeUserData}},
		{"POST", "/workspace/v3/voice/calls/c1/delete-user-data-pair", Route{Kind: Decided, Operation: wwe.OpDeleteUserData,
			Request: "workspace.voice.delete-user-data-pair", MediaType: "voice", InteractionID: "c1", Shape: ShapeDeleteKey}},
		{"POST", "/workspace/v3/voice/calls/c1/release", Route{Kind: Decided, Operation: wwe.OpMarkDone,
			Request: "workspace.voice.release", MediaType: "voice", InteractionID: "c1", Release: true}},
		{"POST", "/workspace/v3/voice/make-call", Route{Kind: Decided, Operation: wwe.OpMakeCall,
			Request: "workspace.voice.make-call", MediaType: "voice", Shape: ShapeUserData}},
		{"POST", "/workspace/v3/media/workitem/interactions/044c/delete-user-data", Route{Kind: Decided, Operation: wwe.OpDeleteUserData,
			Request: "workspace.media.delete-user-data", MediaType: "workitem", InteractionID: "044c", Shape: ShapeDeleteKeys}},
		{"POST", "/workspace/v3/media/workitem/interactions/create", Route{Kind: Decided, Operation: wwe.OpCreateInteraction,
			Request: "workspace.media.create", MediaType: "workitem", Shape: ShapeUserData}},
		{"POST", "/workspace/v3/media/email/interactions/create", Route{Kind: Decided, Operation: wwe.OpCreateInteraction,
			Request: "workspace.media.create", MediaType: "email", Shape: ShapeUserData}},
		{"POST", "/workspace/v3/media/email/interactions/e1/reply", Route{Kind: Decided, Operation: wwe.OpCreateInteraction,
			Request: "workspace.media.reply", MediaType: "email", InteractionID: "e1", Shape: ShapeUserData}},
		{"POST", "/workspace/v3/media/chat/interactions/h1/leave", Route{Kind: Decided, Operation: wwe.OpMarkDone,
			Request: "workspace.chat.leave", MediaType: "chat", InteractionID: "h1", Shape: ShapeLeave}},
		{"POST", "/workspace/v3/media/chat/interactions/h1/update-user-data", Route{Kind: Decided, Operation: wwe.OpSetUserData,
			Request: "workspace.media.update-user-data", MediaType: "chat", InteractionID: "h1", Shape: ShapeUserData}},
		{"POST", "/workspace/v3/media/workitem/interactions/w1/place-in-queue", Route{Kind: Decided, Operation: wwe.OpManageUserData,
			Request: "workspace.media.place-in-queue", MediaType: "workitem", InteractionID: "w1", Shape: ShapeProperties}},
		{"POST", "/workspace/v3/media-management/manage-user-data", Route{Kind: Decided, Operation: wwe.OpManageUserData,
			Request: "workspace.media-management.manage-user-data", Shape: ShapeManage}},
		{"POST", "/workspace/v3/media-management/complete", Route{Kind: Decided, Operation: wwe.OpMarkDone,
			Request: "workspace.media-management.complete", Shape: ShapeInteractions}},
		{"POST", "/workspace/v3/ucs/interactions/0000BaCJQQH30052/set-call-completed", Route{Kind: Decided, Operation: wwe.OpManageUserData,
			Request: "workspace.ucs.set-call-completed", InteractionID: "0000BaCJQQH30052", Shape: ShapeUserData}},
		// Literal segments match whatever their case and are forwarded as the template spells them.
		{"POST", "/Workspace/V3/VOICE/calls/c1/Complete", Route{Path: "/workspace/v3/voice/calls/c1/complete",
			Kind: Decided, Operation: wwe.OpMarkDone, Request: "workspace.voice.complete", MediaType: "voice", InteractionID: "c1", Shape: ShapeUserData}},
		// An escaped character that is not a separator decodes once.
		{"POST", "/workspace/v3/voice/calls/a%20b/complete", Route{Path: "/workspace/v3/voice/calls/a b/complete",
			Kind: Decided, Operation: wwe.OpMarkDone, Request: "workspace.voice.complete", MediaType: "voice", InteractionID: "a b", Shape: ShapeUserData}},
	} {
		got, err := Classify(tc.method, mustURL(t, tc.path))
		if err != nil {
			t.Errorf("%s %s: %v", tc.method, tc.path, err)
			continue
		}
		tc.want.Method = tc.method
		ignore := []string{"required"}
		if tc.want.Path == "" {
			ignore = append(ignore, "Path")
		}
		if tc.want.Template == "" {
			ignore = append(ignore, "Template")
		}
		if diff := cmp.Diff(tc.want, got, cmpopts.IgnoreFields(Route{}, ignore...), cmpopts.IgnoreUnexported(Route{})); diff != "" {
			t.Errorf("%s %s (-want +got):\n%s", tc.method, tc.path, diff)
		}
	}
}

func TestClassifyKinds(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		method, path string
		kind         Kind
		forward      string
	}{
		{"POST", "/workspace/v3/initialize-workspace", InitializeWorkspace, ""},
		{"POST", "/workspace/v3/activate-channels", ActivateChannels, ""},
		{"GET", "/workspace/v3/current-session", CurrentSession, ""},
		{"GET", "/workspace/v3/logout", Logout, ""},
		{"POST", "/workspace/v3/logout", Logout, ""},
		{"POST", "/workspace/v3/notifications", Notifications, ""},
		{"POST", "/workspace/v3/notifications/", Notifications, ""},
		{"POST", "/workspace/v3/notifications/handshake", Notifications, ""},
		{"POST", "/workspace/v3/notifications/connect", Notifications, ""},
		{"GET", "/workspace/v3/voice/calls", PassThrough, ""},
		{"POST", "/workspace/v3/voice/calls/c1/answer", PassThrough, ""},
		{"POST", "/workspace/v3/voice/calls/c1/hold", PassThrough, ""},
		{"POST", "/workspace/v3/media/workitem/interactions/w1/accept", PassThrough, ""},
		{"POST", "/workspace/v3/media/chat/interactions/h1/send-message", PassThrough, ""},
		{"GET", "/workspace/v3/configuration/places/Place_ThomasWatson/dns", PassThrough, ""},
		{"POST", "/workspace/v3/ucs/contacts/k1/update", PassThrough, ""},
		{"POST", "/auth/v3/oauth/token", Auth, ""},
		{"GET", "/AUTH/v3/userinfo", Auth, "/auth/v3/userinfo"},
		{"GET", "/workspace/v3/version", NotFound, ""},
		{"GET", "/workspace/v3/voice/calls/c1/update-user-data", NotFound, ""}, // wrong method
		{"POST", "/workspace/v3/voice/calls/c1/no-such-operation", NotFound, ""},
		{"POST", "/workspace/v3", NotFound, ""},
		{"GET", "/", NotFound, ""},
		{"GET", "/elsewhere/x", NotFound, ""},
	} {
		got, err := Classify(tc.method, mustURL(t, tc.path))
		if err != nil {
			t.Errorf("%s %s: %v", tc.method, tc.path, err)
			continue
		}
		forward := tc.forward
		if forward == "" {
			forward = tc.path
		}
		if got.Kind != tc.kind || got.Path != forward || got.Method != tc.method {
			t.Errorf("%s %s: kind %v path %q, want %v %q", tc.method, tc.path, got.Kind, got.Path, tc.kind, forward)
		}
	}
}

func TestClassifyRefusesPathTricks(t *testing.T) {
	t.Parallel()
	for _, path := range []string{
		"/workspace/v3/voice/calls/x%2F..%2Fy/update-user-data",
		"/workspace/v3/voice/calls/x%2f..%2fy/update-user-data",
		"/workspace/v3/voice/calls/x%5C..%5Cy/update-user-data",
		"/workspace/v3/voice/calls/x\\y/complete",
		"/workspace/v3/voice/calls/../calls/c1/complete",
		"/workspace/v3/voice/calls/./c1/complete",
		"/workspace/v3/voice/calls/%2e%2e/c1/complete",
		"/workspace/v3/voice/calls/c1/complete;jsessionid=ABC",
		"/workspace/v3/voice/calls/c1%3Bx=1/complete",
		"/workspace/v3//voice/calls/c1/complete",
		"/workspace/v3/voice/calls//complete",
		"/workspace/v3/voice/calls/c1/complete/",
		"/workspace/v3/voice/calls/c1%252F/complete",
		"/workspace/v3/voice/calls/c%00/complete",
		"/workspace/v3/voice/calls/c%0A1/complete",
		"/auth/v3/x/",
		"/workspace/v3/current-session/",
	} {
		r, err := Classify("POST", mustURL(t, path))
		var pe *PathError
		if !errors.Is(err, ErrPath) || !errors.As(err, &pe) {
			t.Errorf("%s: got %v (%v), want a PathError", path, err, r.Kind)
		}
	}
	if _, err := Classify("GET", &url.URL{Opaque: "x"}); !errors.Is(err, ErrPath) {
		t.Errorf("opaque URL: %v", err)
	}
}

func TestEscapedPath(t *testing.T) {
	t.Parallel()
	r, err := Classify("POST", mustURL(t, "/workspace/v3/voice/calls/a%20b%3F/complete"))
	if err != nil {
		t.Fatal(err)
	}
	if got, want := r.EscapedPath(), "/workspace/v3/voice/calls/a%20b%3F/complete"; got != want {
		t.Errorf("escaped %q, want %q", got, want)
	}
}

// TestTableUnambiguous checks that no two templates with as many literal
// segments match one path, so the most specific match is unique.
func TestTableUnambiguous(t *testing.T) {
	t.Parallel()
	for n, entries := range table {
		for i := range entries {
			for j := i + 1; j < len(entries); j++ {
				a, b := entries[i], entries[j]
				if a.method != b.method || a.literals != b.literals {
					continue
				}
				overlap := true
				for k := 0; k < n; k++ {
					if !isParam(a.segs[k]) && !isParam(b.segs[k]) && !asciiEqualFold(a.segs[k], b.segs[k]) {
						overlap = false
					}
				}
				if overlap {
					t.Errorf("%s %v and %v match the same paths", a.method, a.segs, b.segs)
				}
			}
		}
	}
}

// TestSpecialRoutesAreClientRoutes checks that every decided and session
// route is one Genesys' client defines.
func TestSpecialRoutesAreClientRoutes(t *testing.T) {
	t.Parallel()
	known := map[string]bool{}
	for _, r := range clientRoutes {
		if known[r] {
			t.Errorf("%s listed twice", r)
		}
		known[r] = true
	}
	for _, s := range specialRoutes {
		if !known[s.method+" "+s.path] {
			t.Errorf("%s %s is not a client route", s.method, s.path)
		}
	}
	if len(clientRoutes) != 174 {
		t.Errorf("%d client routes, want the 174 of genesys-workspace-client-js 9.0.1", len(clientRoutes))
	}
}
