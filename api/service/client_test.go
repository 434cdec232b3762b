package service_test

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
	"time"

	"github.com/wwe-guard/wwe-guard/api"
	"github.com/wwe-guard/wwe-guard/api/service"
	"github.com/wwe-guard/wwe-guard/internal/sim"
	"github.com/wwe-guard/wwe-guard/internal/wwe"
)

var (
	_ api.Service = (*service.Memory)(nil)
	_ api.Service = (*service.Client)(nil)
)

// startSim serves the /v1 contract over a Memory, as wwe-sim does.
func startSim(t *testing.T) (*service.Client, *service.Memory) {
	t.Helper()
	mem := service.NewMemory([]*wwe.Interaction{
		{InteractionID: "1", MediaType: "voice", State: wwe.StateTalking, CaseID: "c1", UserData: wwe.UserData{"a/b c": "x", "N": wwe.UserData{"n": int64(5)}}},
		{InteractionID: "2", MediaType: "voice", State: wwe.StateIdle, UserData: wwe.UserData{}},
	})
	srv := httptest.NewServer(api.New(api.Config{Service: mem, Decider: sim.AllowAll{}}))
	t.Cleanup(srv.Close)
	c, err := service.NewClient(srv.URL, 2*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	return c, mem
}

func errCode(err error) wwe.Code {
	var e *wwe.Error
	if errors.As(err, &e) {
		return e.Code
	}
	return ""
}

func TestClientSpeaksTheContract(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	c, mem := startSim(t)
	if err := c.Ready(ctx); err != nil {
		t.Fatalf("ready: %v", err)
	}
	list, err := c.Interactions(ctx)
	if err != nil || len(list) != 2 {
		t.Fatalf("interactions: %v %v", list, err)
	}
	if n := list[0].UserData["N"].(wwe.UserData)["n"]; n != int64(5) {
		t.Errorf("nested integer decoded as %T %v", n, n)
	}
	if _, err := c.Interaction(ctx, "nope"); errCode(err) != wwe.CodeInteractionNotFound {
		t.Errorf("unknown id: %v", err)
	}
	// A key that needs escaping in the path reaches the service intact.
	if _, err := c.Do(ctx, wwe.Command{Op: wwe.OpDeleteUserData, InteractionID: "1", Key: "a/b c"}); err != nil {
		t.Fatal(err)
	}
	if it, _ := mem.Interaction(ctx, "1"); it.UserData["a/b c"] != nil {
		t.Errorf("escaped key was not deleted: %v", it.UserData)
	}
	// A dot segment never leaves the client, as an id or as a key.
	for _, cmd := range []wwe.Command{
		{Op: wwe.OpDeleteUserData, InteractionID: "1", Key: ".."},
		{Op: wwe.OpDeleteUserData, InteractionID: "1", Key: "."},
		{Op: wwe.OpSetUserData, InteractionID: "..", KeyValues: wwe.UserData{"A": "b"}},
		{Op: wwe.OpSelectCaseByCaseID, CaseID: "."},
	} {
		if _, err := c.Do(ctx, cmd); errCode(err) != wwe.CodeServiceUnavailable {
			t.Errorf("%+v: %v, want SERVICE_UNAVAILABLE", cmd, err)
		}
	}
	if _, err := c.Interaction(ctx, ".."); errCode(err) != wwe.CodeServiceUnavailable {
		t.Errorf("interaction \"..\": %v, want SERVICE_UNAVAILABLE", err)
	}
	if _, err := c.Do(ctx, wwe.Command{Op: wwe.OpSetUserData, InteractionID: "2", KeyValues: wwe.UserData{"A": "b"}}); errCode(err) != wwe.CodeInteractionNotLive {
		t.Errorf("error pass-through: %v", err)
	}
	if _, err := c.Do(ctx, wwe.Command{Op: wwe.OpBlockMarkdone, InteractionID: "1", WarningMessage: "wait", Origin: "https://crm"}); err != nil {
		t.Fatal(err)
	}
	if it, _ := mem.Interaction(ctx, "1"); len(it.MarkdoneBlocks) != 1 || it.MarkdoneBlocks[0].Origin != "https://crm" {
		t.Errorf("block owner did not reach the service: %+v", it.MarkdoneBlocks)
	}
	_, err = c.Do(ctx, wwe.Command{Op: wwe.OpMarkDone, InteractionID: "1"})
	var e *wwe.Error
	if !errors.As(err, &e) || e.Code != wwe.CodeMarkdoneBlocked || len(e.WarningMessages) != 1 {
		t.Errorf("markdone blocked: %v", err)
	}
	consult, err := c.Do(ctx, wwe.Command{Op: wwe.OpConsult, InteractionID: "1", Target: "agent", KeyValues: wwe.UserData{"C": "c"}})
	if err != nil || consult.ParentInteractionID != "1" || consult.UserData["C"] != "c" {
		t.Errorf("consult: %+v %v", consult, err)
	}
	if it, err := c.Do(ctx, wwe.Command{Op: wwe.OpSelectCaseByCaseID, CaseID: "c1"}); it != nil || err != nil {
		t.Errorf("select case: %v %v", it, err)
	}
}

func TestClientSubscribe(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	c, mem := startSim(t)
	events, err := c.Subscribe(ctx)
	if err != nil {
		t.Fatal(err)
	}
	// The stream is open once the server has subscribed; retry the write
	// until its event arrives.
	deadline := time.After(10 * time.Second)
	tick := time.NewTicker(20 * time.Millisecond)
	defer tick.Stop()
	for {
		select {
		case ev := <-events:
			if ev.Data.EventType == wwe.EventTypeCaseSelected && ev.Data.SelectedCaseID == "c1" {
				return
			}
		case <-tick.C:
			_, _ = mem.Do(ctx, wwe.Command{Op: wwe.OpSelectCaseByCaseID, CaseID: "c1"})
		case <-deadline:
			t.Fatal("no CASE_SELECTED event through the client")
		}
	}
}

func TestClientServiceUnavailable(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	broken := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		http.Error(w, "<html>oops</html>", http.StatusInternalServerError)
	}))
	defer broken.Close()
	garbled := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		_, _ = w.Write([]byte(`{"interactionId":`))
	}))
	defer garbled.Close()
	for name, url := range map[string]string{"closed port": "http://127.0.0.1:1", "5xx without code": broken.URL, "malformed answer": garbled.URL} {
		c, err := service.NewClient(url, time.Second)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := c.Interaction(ctx, "1"); errCode(err) != wwe.CodeServiceUnavailable {
			t.Errorf("%s: %v", name, err)
		}
	}
	if _, err := service.NewClient("ftp://x", time.Second); err == nil {
		t.Error("NewClient accepted a non-HTTP URL")
	}
}

// TestClientForgetsRevisionsWhenStreamBreaks: the client decides writes on
// the last revision it saw without reading it again, but not once its event
// stream from the service has broken: what happened meanwhile is unknown,
// so the next write's interaction is read afresh. Its revisions carry the
// service's lifetime from the ETag.
func TestClientForgetsRevisionsWhenStreamBreaks(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	mem := service.NewMemory([]*wwe.Interaction{{InteractionID: "1", MediaType: "voice", State: wwe.StateTalking}})
	sim := api.New(api.Config{Service: mem, Decider: sim.AllowAll{}})
	var reads atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodGet && r.URL.Path == "/v1/interactions/1" {
			reads.Add(1)
		}
		sim.ServeHTTP(w, r)
	}))
	t.Cleanup(srv.Close)
	c, err := service.NewClient(srv.URL, 2*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	it, err := c.Interaction(ctx, "1")
	if err != nil {
		t.Fatal(err)
	}
	want, _ := mem.Interaction(ctx, "1")
	if it.Revision() != want.Revision() || !it.Revision().Known() {
		t.Fatalf("revision = %+v, want the service's %+v", it.Revision(), want.Revision())
	}
	events, err := c.Subscribe(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.InteractionForWrite(ctx, "1"); err != nil || reads.Load() != 1 {
		t.Fatalf("a write was decided after %d reads (%v), want the remembered revision", reads.Load(), err)
	}

	sim.EndStreams() // the service's event stream breaks
	for range events {
	}
	if _, err := c.InteractionForWrite(ctx, "1"); err != nil || reads.Load() != 2 {
		t.Errorf("after the stream broke a write was decided after %d reads (%v), want a fresh read", reads.Load(), err)
	}
}
