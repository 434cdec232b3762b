package service_test

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/wwe-guard/wwe-guard/api/service"
	"github.com/wwe-guard/wwe-guard/internal/fanout"
	"github.com/wwe-guard/wwe-guard/internal/testkit"
	"github.com/wwe-guard/wwe-guard/internal/wwe"
)

// seeded is a Memory over three interactions, and the test's context to
// call it with.
func seeded(t *testing.T) (context.Context, *service.Memory) {
	return t.Context(), service.NewMemory([]*wwe.Interaction{
		{InteractionID: "1", MediaType: "voice", State: wwe.StateTalking, CaseID: "c1", IsMainCaseInteraction: true, UserData: wwe.UserData{"A": "a", "N": wwe.UserData{"x": int64(1)}}},
		{InteractionID: "2", MediaType: "voice", State: wwe.StateIdle, CaseID: "c2", UserData: wwe.UserData{}},
		{InteractionID: "3", MediaType: "chat", State: wwe.StateRinging, CaseID: "c3", UserData: wwe.UserData{}},
	})
}

// TestMemoryRefusalsChangeNothing: every refused command leaves the service
// exactly as it was.
func TestMemoryRefusalsChangeNothing(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		cmd  wwe.Command
		want wwe.Code
	}{
		{"unknown interaction", wwe.Command{Op: wwe.OpSetUserData, InteractionID: "9", KeyValues: wwe.UserData{"A": "b"}}, wwe.CodeInteractionNotFound},
		{"set on idle", wwe.Command{Op: wwe.OpSetUserData, InteractionID: "2", KeyValues: wwe.UserData{"A": "b"}}, wwe.CodeInteractionNotLive},
		{"delete on idle", wwe.Command{Op: wwe.OpDeleteUserData, InteractionID: "2", Key: "A"}, wwe.CodeInteractionNotLive},
		{"consult on idle", wwe.Command{Op: wwe.OpConsult, InteractionID: "2", Target: "t"}, wwe.CodeInteractionNotLive},
		{"accept not ringing", wwe.Command{Op: wwe.OpAccept, InteractionID: "1"}, wwe.CodeInvalidState},
		{"reject not ringing", wwe.Command{Op: wwe.OpReject, InteractionID: "2"}, wwe.CodeInvalidState},
		{"complete without consult", wwe.Command{Op: wwe.OpCompleteTransfer, InteractionID: "1"}, wwe.CodeInvalidState},
		{"unknown case", wwe.Command{Op: wwe.OpSelectCaseByCaseID, CaseID: "nope"}, wwe.CodeCaseNotFound},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			ctx, m := seeded(t)
			before, _ := m.Interactions(ctx)
			_, err := m.Do(ctx, tt.cmd)
			if errCode(err) != tt.want {
				t.Fatalf("err = %v, want %s", err, tt.want)
			}
			after, _ := m.Interactions(ctx)
			if diff := cmp.Diff(before, after); diff != "" {
				t.Errorf("refusal changed the service (-before +after):\n%s", diff)
			}
		})
	}
}

func TestMemoryUserDataAndMarkdone(t *testing.T) {
	t.Parallel()
	ctx, m := seeded(t)
	it, err := m.Do(ctx, wwe.Command{Op: wwe.OpSetUserData, InteractionID: "1", KeyValues: wwe.UserData{"N": "flat", "B": int64(2)}})
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(wwe.UserData{"A": "a", "N": "flat", "B": int64(2)}, it.UserData); diff != "" {
		t.Errorf("overwrite (-want +got):\n%s", diff)
	}
	it.UserData["A"] = "mutated by caller"
	if again, _ := m.Interaction(ctx, "1"); again.UserData["A"] != "a" {
		t.Error("returned interaction aliases the service's state")
	}
	if _, err := m.Do(ctx, wwe.Command{Op: wwe.OpDeleteUserData, InteractionID: "1", Key: "missing"}); err != nil {
		t.Errorf("deleting an unset key: %v", err)
	}
	if _, err := m.Do(ctx, wwe.Command{Op: wwe.OpBlockMarkdone, InteractionID: "1", WarningMessage: "w1", Origin: "https://a"}); err != nil {
		t.Fatal(err)
	}
	if _, err := m.Do(ctx, wwe.Command{Op: wwe.OpBlockMarkdone, InteractionID: "1", WarningMessage: "w2", Origin: "https://a"}); err != nil {
		t.Fatal(err)
	}
	_, err = m.Do(ctx, wwe.Command{Op: wwe.OpMarkDone, InteractionID: "1"})
	var e *wwe.Error
	if !errors.As(err, &e) || e.Code != wwe.CodeMarkdoneBlocked || !cmp.Equal(e.WarningMessages, []string{"w2"}) {
		t.Fatalf("markdone with a replaced block: %v", err)
	}
	if _, err := m.Do(ctx, wwe.Command{Op: wwe.OpUnblockMarkdone, InteractionID: "1", Origin: "https://b"}); err != nil {
		t.Fatal(err)
	}
	if _, err := m.Do(ctx, wwe.Command{Op: wwe.OpMarkDone, InteractionID: "1"}); errCode(err) != wwe.CodeMarkdoneBlocked {
		t.Fatalf("another origin cleared the block: %v", err)
	}
	if _, err := m.Do(ctx, wwe.Command{Op: wwe.OpUnblockMarkdone, InteractionID: "1", Origin: "https://a"}); err != nil {
		t.Fatal(err)
	}
	done, err := m.Do(ctx, wwe.Command{Op: wwe.OpMarkDone, InteractionID: "1"})
	if err != nil || done.State != wwe.StateCompleted || !done.IsDone {
		t.Fatalf("markdone: %+v %v", done, err)
	}
	if _, err := m.Do(ctx, wwe.Command{Op: wwe.OpMarkDone, InteractionID: "1"}); errCode(err) != wwe.CodeInvalidState {
		t.Errorf("second markdone: %v", err)
	}
}

func TestMemoryEvents(t *testing.T) {
	t.Parallel()
	ctx, m := seeded(t) // the subscription ends with the test
	events, _ := m.Subscribe(ctx)
	for _, c := range []string{"c1", "c3"} {
		if _, err := m.Do(ctx, wwe.Command{Op: wwe.OpSelectCaseByCaseID, CaseID: c}); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := m.Do(ctx, wwe.Command{Op: wwe.OpConsult, InteractionID: "1", Target: "t", KeyValues: wwe.UserData{"C": "c"}}); err != nil {
		t.Fatal(err)
	}
	var got []string
	for range 6 {
		ev := <-events
		got = append(got, ev.Event+":"+ev.Data.EventType)
	}
	want := []string{"interaction:CASE_SELECTED", "interaction:EXPANDED", "interaction:COLLAPSED", "interaction:CASE_SELECTED", "interaction:EXPANDED", "interaction:ADDED"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("events (-want +got):\n%s", diff)
	}
}

func TestMemorySlowSubscriberIsCutOff(t *testing.T) {
	t.Parallel()
	ctx, m := seeded(t)
	events, _ := m.Subscribe(ctx)
	for i := range fanout.Buffer + 10 {
		if _, err := m.Do(ctx, wwe.Command{Op: wwe.OpSetUserData, InteractionID: "1", KeyValues: wwe.UserData{"i": int64(i)}}); err != nil {
			t.Fatal(err)
		}
	}
	n := 0
	for range events {
		n++
	}
	if n != fanout.Buffer {
		t.Errorf("slow subscriber got %d events before being cut off, want %d", n, fanout.Buffer)
	}
}

func TestMemoryConcurrentWriters(t *testing.T) {
	t.Parallel()
	ctx, m := seeded(t)
	var wg sync.WaitGroup
	for w := range 8 {
		wg.Go(func() {
			for i := range 100 {
				key := string(rune('a'+w)) + "-" + string(rune('a'+i%26))
				if _, err := m.Do(ctx, wwe.Command{Op: wwe.OpSetUserData, InteractionID: "1", KeyValues: wwe.UserData{key: int64(i)}}); err != nil {
					t.Error(err)
				}
				_, _ = m.Interactions(ctx)
			}
		})
	}
	wg.Wait()
	it, _ := m.Interaction(ctx, "1")
	if len(it.UserData) != 2+8*26 {
		t.Errorf("user data has %d keys, want %d", len(it.UserData), 2+8*26)
	}
}

func TestLoadSeed(t *testing.T) {
	t.Parallel()
	good := writeFile(t, "seed.yaml", "- interactionId: \"7\"\n  mediaType: voice\n  state: TALKING\n  userData: {A: x, N: 3, K: {B: y}}\n")
	bad := writeFile(t, "bad.json", `[{"interactionId":"1","mediaType":"voice","state":"TALKING","userData":{"F":1.5}},{"interactionId":"1","state":""}]`)
	seed, err := service.LoadSeed(good)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(wwe.UserData{"A": "x", "N": int64(3), "K": wwe.UserData{"B": "y"}}, seed[0].UserData); diff != "" {
		t.Errorf("normalized user data (-want +got):\n%s", diff)
	}
	_, err = service.LoadSeed(bad)
	if err == nil {
		t.Fatal("bad seed loaded")
	}
	testkit.ErrorReports(t, err, "entry 0: userData", "entry 1: interactionId \"1\" is used twice", "entry 1: mediaType is required", "entry 1: state is required")
	bad = writeFile(t, "bad.json", `[{"interactionId":"1","bogus":true}]`)
	if _, err := service.LoadSeed(bad); err == nil || !strings.Contains(err.Error(), "bogus") {
		t.Errorf("unknown field: %v", err)
	}
}

// TestMemoryVersions: every change gives the interaction a new revision; a
// no-op does not; a write conditioned on an old revision is refused with
// INTERACTION_CHANGED and changes nothing.
func TestMemoryVersions(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	m := service.NewMemory([]*wwe.Interaction{{InteractionID: "1", MediaType: "voice", State: wwe.StateTalking}})
	version := func() int64 {
		it, err := m.Interaction(ctx, "1")
		if err != nil {
			t.Fatal(err)
		}
		return it.Version
	}
	if v := version(); v != 1 {
		t.Fatalf("seeded version = %d, want 1", v)
	}
	first, err := m.Interaction(ctx, "1")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := m.Do(ctx, wwe.Command{Op: wwe.OpSetUserData, InteractionID: "1", KeyValues: wwe.UserData{"A": "1"}, IfMatch: first.Revision()}); err != nil {
		t.Fatal(err)
	}
	if _, err := m.Do(ctx, wwe.Command{Op: wwe.OpDeleteUserData, InteractionID: "1", Key: "Missing"}); err != nil {
		t.Fatal(err)
	}
	if v := version(); v != 2 {
		t.Fatalf("version after one change and one no-op = %d, want 2", v)
	}
	_, err = m.Do(ctx, wwe.Command{Op: wwe.OpSetUserData, InteractionID: "1", KeyValues: wwe.UserData{"A": "stale"}, IfMatch: first.Revision()})
	if wwe.ErrorCode(err) != wwe.CodeInteractionChanged {
		t.Fatalf("write to a stale revision: %v", err)
	}
	// The same version of another lifetime of the service (a restart) is
	// another revision.
	now, _ := m.Interaction(ctx, "1")
	other := wwe.Revision{Boot: "restarted", Version: now.Version}
	if _, err := m.Do(ctx, wwe.Command{Op: wwe.OpSetUserData, InteractionID: "1", KeyValues: wwe.UserData{"A": "stale"}, IfMatch: other}); wwe.ErrorCode(err) != wwe.CodeInteractionChanged {
		t.Fatalf("write to the same version of another lifetime: %v", err)
	}
	if it, _ := m.Interaction(ctx, "1"); it.UserData["A"] != "1" || it.Version != 2 {
		t.Errorf("a refused write changed the interaction: %+v", it)
	}
}
