package main

import (
	"bufio"
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/wwe-guard/wwe-guard/internal/syncbuf"
)

// TestCompareInProcessTargets runs --compare against an in-process service
// and a guard in front of it; the bare proxy is started by the tool itself,
// as its own process (the test binary re-executed as `wwe-bench proxy`).
// No t.Parallel: t.Setenv is what lets the child run main.
func TestCompareInProcessTargets(t *testing.T) {
	t.Setenv(asMainEnv, "1")
	svc := newServiceServer(t)
	g := newGuardServer(t, newServiceClient(t, svc.URL))
	var rep CompareReport
	out, err := runTool(t, &rep, "--compare", "--service", svc.URL, "--guard", g.URL,
		"--rounds", "2", "--rate", "100", "--duration", "300ms", "--warmup", "0", "--concurrency", "4")
	if err != nil {
		t.Fatalf("run: %v\n%s", err, out)
	}
	var order []string
	for _, r := range rep.Runs {
		order = append(order, r.Name)
		checkCounts(t, r)
		if r.Unexpected != 0 || r.Scheduled != 30 {
			t.Errorf("round %d %s: unexpected %d, scheduled %d; want 0, 30", r.Round, r.Name, r.Unexpected, r.Scheduled)
		}
	}
	if want := []string{"service", "proxy", "guard", "service", "proxy", "guard"}; !slices.Equal(order, want) {
		t.Errorf("runs in order %v, want %v", order, want)
	}
	if len(rep.Targets) != 3 || rep.Targets[1].Target == svc.URL || rep.Targets[2].Kind != "guard" {
		t.Errorf("targets = %+v", rep.Targets)
	}
	if len(rep.Ratios) != 2 || rep.Ratios[0].Of != "guard/proxy" || rep.Ratios[1].Of != "guard/service" {
		t.Errorf("ratios = %+v", rep.Ratios)
	}
	for _, want := range []string{"started bare proxy", "median over 2 round(s)", "guard/proxy"} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
}

// TestMaxOneTarget runs --max against one target with a bound no run can
// miss: the search doubles up to --max-rate and stops there.
func TestMaxOneTarget(t *testing.T) {
	t.Parallel()
	srv := newServiceServer(t)
	var rep MaxReport
	out, err := runTool(t, &rep, "--max", "--url", srv.URL, "--rate", "50", "--max-rate", "100",
		"--step-duration", "200ms", "--warmup", "0", "--p99-bound", "1m", "--concurrency", "4")
	if err != nil {
		t.Fatalf("run: %v\n%s", err, out)
	}
	if len(rep.Targets) != 1 || rep.Targets[0].MaxRate != 100 || len(rep.Targets[0].Steps) != 2 {
		t.Fatalf("report = %+v\n%s", rep, out)
	}
	for _, s := range rep.Targets[0].Steps {
		if !s.Pass || s.Unexpected != 0 {
			t.Errorf("step %+v", s)
		}
	}
}

// TestProxyCommand: `wwe-bench proxy` prints its address first and
// forwards requests and answers unchanged.
func TestProxyCommand(t *testing.T) {
	t.Parallel()
	svc := newServiceServer(t)
	ctx, cancel := context.WithCancel(context.Background())
	stdoutR, stdoutW := io.Pipe()
	stderr := &syncbuf.Buffer{}
	done := make(chan error, 1)
	go func() {
		done <- proxyCommand(ctx, []string{"--upstream", svc.URL}, stdoutW, stderr)
		stdoutW.Close()
	}()
	line, err := bufio.NewReader(stdoutR).ReadString('\n')
	if err != nil || !proxyAddr.MatchString(strings.TrimSpace(line)) {
		t.Fatalf("first line %q, %v; stderr %s", line, err, stderr.String())
	}
	go io.Copy(io.Discard, stdoutR)
	base := "http://" + strings.TrimSpace(line)
	client := newClient(2, 5*time.Second)
	p := mustPlan(t, []string{"1"}, "1")
	for _, r := range []request{p.byOp[opRefused][0], p.byOp[opGet][0], newRequest(opGet, "99")} {
		viaProxy, err := send(ctx, client, base, r)
		if err != nil {
			t.Fatal(err)
		}
		direct, err := send(ctx, client, svc.URL, r)
		if err != nil {
			t.Fatal(err)
		}
		if viaProxy != direct {
			t.Errorf("%s %s: via proxy %s, direct %s", r.method, r.path, viaProxy, direct)
		}
	}
	cancel()
	if err := <-done; err != nil {
		t.Errorf("proxy: %v", err)
	}
	if err := proxyCommand(ctx, []string{"--upstream", "not a url"}, io.Discard, io.Discard); err == nil {
		t.Error("proxy with a bad --upstream started")
	}
}

// TestProxyUpstreamDown: the bare proxy answers 502 when its upstream is gone.
func TestProxyUpstreamDown(t *testing.T) {
	t.Parallel()
	u, _ := url.Parse("http://127.0.0.1:1")
	rec := httptest.NewRecorder()
	newProxy(u, time.Second, slog.New(slog.DiscardHandler)).ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/v1/interactions/1", nil))
	if rec.Code != http.StatusBadGateway {
		t.Errorf("status = %d, want 502", rec.Code)
	}
}
