package service_test

import (
	"context"
	"encoding/json"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/wwe-guard/wwe-guard/api"
	"github.com/wwe-guard/wwe-guard/api/service"
	"github.com/wwe-guard/wwe-guard/internal/sim"
	"github.com/wwe-guard/wwe-guard/internal/testkit"
	"github.com/wwe-guard/wwe-guard/internal/wwe"
)

// everyAttribute is a seed entry with every attribute DESIGN.md §1.1
// documents, ours, and a vendor attribute.
const everyAttribute = `{"interactionId":"1","parentInteractionId":"0","caseId":"case-1","userData":{"Notes":"n","N":7},
 "state":"TALKING","previousState":"RINGING",
 "parties":[{"name":"Ann Lee","role":"customer"},{"name":"Agent 7"}],
 "isConsultation":false,"isMainCaseInteraction":true,"callUuid":"CU-1","direction":"IN","callType":"INBOUND",
 "ani":"+15551234567","dnis":"8000","recordingState":"RECORDING","isCaseSelected":true,"isCaseExpanded":true,
 "interactionUUID":"UU-1","mediaType":"voice","isDone":false,"markdoneBlocks":[],"version":4,
 "x-vendor":{"a":1,"list":[1,"two",null]}}`

func writeFile(t *testing.T, name, content string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// TestLoadSeedEveryAttribute: a seed may carry every documented attribute
// and vendor ("x-") attributes, in JSON and YAML; the service answers them
// as seeded.
func TestLoadSeedEveryAttribute(t *testing.T) {
	t.Parallel()
	var doc any
	if err := json.Unmarshal([]byte(everyAttribute), &doc); err != nil {
		t.Fatal(err)
	}
	for _, path := range []string{
		writeFile(t, "seed.json", "["+everyAttribute+"]"),
		writeFile(t, "seed.yaml", "- "+strings.ReplaceAll(everyAttribute, "\n", "")+"\n"),
	} {
		seed, err := service.LoadSeed(path)
		if err != nil {
			t.Fatalf("%s: %v", filepath.Base(path), err)
		}
		it, err := service.NewMemory(seed).Interaction(context.Background(), "1")
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(doc, testkit.JSONValue(t, it)); diff != "" {
			t.Errorf("%s: the service answers (-seeded +got):\n%s", filepath.Base(path), diff)
		}
	}
}

// TestLoadSeedStillStrict: a name that is neither documented nor a vendor
// attribute is reported, with the nearest documented name; so are values
// outside the closed lists and parties without a name.
func TestLoadSeedStillStrict(t *testing.T) {
	t.Parallel()
	path := writeFile(t, "seed.json", `[
 {"interactionId":"1","mediaType":"voice","state":"TALKING","anii":"1","Direction":"IN","bogus":true,"X-Other":1},
 {"interactionId":"2","mediaType":"voice","state":"TALKING","direction":"INBOUND","recordingState":"ON","callType":"IN","parties":[{"role":"x"}]},
 {"interactionId":"3","mediaType":"voice","state":"TALKING","isCaseSelected":"yes"}]`)
	_, err := service.LoadSeed(path)
	if err == nil {
		t.Fatal("seed with unknown attributes loaded")
	}
	testkit.ErrorReports(t, err,
		`entry 0: unknown field "Direction" (did you mean "direction"?)`,
		`entry 0: unknown field "anii" (did you mean "ani"?)`,
		`entry 0: unknown field "bogus" (a vendor attribute's name starts with "x-")`,
		`entry 1: direction "INBOUND" is not one of IN, OUT, UNKNOWN`,
		`entry 1: callType "IN" is not one of INTERNAL, INBOUND, OUTBOUND, CONSULT, UNKNOWN`,
		`entry 1: recordingState "ON" is not one of STOPPED, RECORDING, PAUSED`,
		`entry 1: parties[0]: name is required`,
		`entry 2: isCaseSelected: json: cannot unmarshal string`,
	)
	if strings.Contains(err.Error(), "X-Other") {
		t.Errorf("a vendor attribute is reported:\n%v", err)
	}
}

// TestMemoryPreviousState: previousState is the state before the last state
// change, in answers and in the CHANGED event of that change.
func TestMemoryPreviousState(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	m := service.NewMemory([]*wwe.Interaction{
		{InteractionID: "1", MediaType: "voice", State: wwe.StateRinging, CaseID: "c1", UserData: wwe.UserData{}},
		{InteractionID: "2", MediaType: "chat", State: wwe.StateAccepted, PreviousState: "INVITED", CaseID: "c2", UserData: wwe.UserData{}},
	})
	events, _ := m.Subscribe(ctx)
	steps := []struct {
		cmd             wwe.Command
		id, state, prev string
	}{
		{wwe.Command{Op: wwe.OpAccept, InteractionID: "1"}, "1", wwe.StateTalking, wwe.StateRinging},
		{wwe.Command{Op: wwe.OpSetUserData, InteractionID: "1", KeyValues: wwe.UserData{"A": "a"}}, "1", wwe.StateTalking, wwe.StateRinging},
		{wwe.Command{Op: wwe.OpSingleStepTransfer, InteractionID: "1", Target: "t"}, "1", wwe.StateIdle, wwe.StateTalking},
		{wwe.Command{Op: wwe.OpMarkDone, InteractionID: "1"}, "1", wwe.StateCompleted, wwe.StateIdle},
		{wwe.Command{Op: wwe.OpSetUserData, InteractionID: "2", KeyValues: wwe.UserData{"A": "a"}}, "2", wwe.StateAccepted, "INVITED"},
	}
	for _, s := range steps {
		if _, err := m.Do(ctx, s.cmd); err != nil {
			t.Fatalf("%s: %v", s.cmd.Op, err)
		}
		it, _ := m.Interaction(ctx, s.id)
		ev := <-events
		if it.State != s.state || it.PreviousState != s.prev {
			t.Errorf("after %s: state %s, previousState %s; want %s, %s", s.cmd.Op, it.State, it.PreviousState, s.state, s.prev)
		}
		if got := ev.Data.Interaction; got == nil || got.State != s.state || got.PreviousState != s.prev {
			t.Errorf("%s event after %s carries %+v", ev.Data.EventType, s.cmd.Op, got)
		}
	}
}

// TestMemoryCaseSelection: selecting a case selects and expands its
// interactions and clears the flags of the others, with new revisions for
// the interactions that changed; a consultation is marked as one.
func TestMemoryCaseSelection(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	m := service.NewMemory([]*wwe.Interaction{
		{InteractionID: "1", MediaType: "voice", State: wwe.StateTalking, CaseID: "c1", IsCaseSelected: wwe.Flag(true), IsCaseExpanded: wwe.Flag(true), UserData: wwe.UserData{}},
		{InteractionID: "2", MediaType: "voice", State: wwe.StateTalking, CaseID: "c2", UserData: wwe.UserData{}},
		{InteractionID: "3", MediaType: "chat", State: wwe.StateAccepted, CaseID: "c2", UserData: wwe.UserData{}},
		{InteractionID: "4", MediaType: "chat", State: wwe.StateAccepted, CaseID: "c4", UserData: wwe.UserData{}},
	})
	events, _ := m.Subscribe(ctx)
	type flags struct {
		Selected, Expanded *bool
		Version            int64
	}
	state := func() map[string]flags {
		list, _ := m.Interactions(ctx)
		out := map[string]flags{}
		for _, it := range list {
			out[it.InteractionID] = flags{it.IsCaseSelected, it.IsCaseExpanded, it.Version}
		}
		return out
	}
	yes, no := wwe.Flag(true), wwe.Flag(false)
	if _, err := m.Do(ctx, wwe.Command{Op: wwe.OpSelectCaseByCaseID, CaseID: "c2"}); err != nil {
		t.Fatal(err)
	}
	want := map[string]flags{"1": {no, no, 2}, "2": {yes, yes, 2}, "3": {yes, yes, 2}, "4": {nil, nil, 1}}
	if diff := cmp.Diff(want, state()); diff != "" {
		t.Errorf("after selecting c2 (-want +got):\n%s", diff)
	}
	var got []string
	for range 3 {
		ev := <-events
		got = append(got, ev.Data.EventType+" "+ev.Data.CaseID+ev.Data.SelectedCaseID)
	}
	// The seed's selected case (c1) is collapsed.
	if diff := cmp.Diff([]string{"COLLAPSED c1", "CASE_SELECTED c2", "EXPANDED c2"}, got); diff != "" {
		t.Errorf("events (-want +got):\n%s", diff)
	}
	// Selecting it again changes nothing.
	if _, err := m.Do(ctx, wwe.Command{Op: wwe.OpSelectCaseByCaseID, CaseID: "c2"}); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(want, state()); diff != "" {
		t.Errorf("after selecting c2 again (-want +got):\n%s", diff)
	}
	consult, err := m.Do(ctx, wwe.Command{Op: wwe.OpConsult, InteractionID: "2", Target: "t"})
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(flags{yes, yes, 1}, flags{consult.IsCaseSelected, consult.IsCaseExpanded, consult.Version}); diff != "" || consult.IsConsultation == nil || !*consult.IsConsultation {
		t.Errorf("consultation: isConsultation %v, flags (-want +got):\n%s", consult.IsConsultation, diff)
	}
}

// TestClientPassesThrough: attributes a remote service sends that the guard
// does not model reach the client's answers and events unchanged, with
// every documented one.
func TestClientPassesThrough(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var seeded wwe.Interaction
	doc := strings.Replace(everyAttribute, `"x-vendor"`, `"mediaInfo":{"newer":["genesys",2]},"x-vendor"`, 1)
	if err := json.Unmarshal([]byte(doc), &seeded); err != nil {
		t.Fatal(err)
	}
	mem := service.NewMemory([]*wwe.Interaction{&seeded})
	srv := httptest.NewServer(api.New(api.Config{Service: mem, Decider: sim.AllowAll{}}))
	t.Cleanup(srv.Close)
	c, err := service.NewClient(srv.URL, 2*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	var want any
	if err := json.Unmarshal([]byte(doc), &want); err != nil {
		t.Fatal(err)
	}
	it, err := c.Interaction(ctx, "1")
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(want, testkit.JSONValue(t, it)); diff != "" {
		t.Errorf("GET through the client (-sent +got):\n%s", diff)
	}
	events, err := c.Subscribe(ctx)
	if err != nil {
		t.Fatal(err)
	}
	// The stream is open once the server has subscribed: write until an
	// event arrives.
	tick := time.NewTicker(20 * time.Millisecond)
	defer tick.Stop()
	for n := 0; ; {
		select {
		case ev := <-events:
			got := testkit.JSONValue(t, ev.Data.Interaction).(map[string]any)
			for _, name := range []string{"x-vendor", "mediaInfo", "parties", "ani", "dnis", "previousState", "direction"} {
				if diff := cmp.Diff(want.(map[string]any)[name], got[name]); diff != "" {
					t.Errorf("event %s: %s (-sent +got):\n%s", ev.Data.EventType, name, diff)
				}
			}
			return
		case <-tick.C:
			n++
			if _, err := mem.Do(ctx, wwe.Command{Op: wwe.OpSetUserData, InteractionID: "1", KeyValues: wwe.UserData{"n": int64(n)}}); err != nil {
				t.Fatal(err)
			}
		case <-time.After(10 * time.Second):
			t.Fatal("no event through the client")
		}
	}
}
