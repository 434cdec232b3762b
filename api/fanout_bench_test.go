package api_test

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/wwe-guard/wwe-guard/api"
	"github.com/wwe-guard/wwe-guard/api/service"
	"github.com/wwe-guard/wwe-guard/guard"
	"github.com/wwe-guard/wwe-guard/internal/testkit"
	"github.com/wwe-guard/wwe-guard/policies"
)

// fleetEnv makes the test binary a fleet of subscribers (see runFleet).
const fleetEnv = "WWE_GUARD_FANOUT_FLEET"

func TestMain(m *testing.M) {
	if spec := os.Getenv(fleetEnv); spec != "" {
		os.Exit(runFleet(spec))
	}
	os.Exit(m.Run())
}

// BenchmarkWriteFanOut measures the latency of an allowed write while many
// clients listen to the event stream: the same write, alternately on a
// guard with 1 subscriber and on one with 1,000, each write waiting (off
// the clock) until every subscriber has its event. The subscribers run in a
// process of their own, as browsers would, so their reading does not share
// the guard's scheduler. It reports the median write latency of each and
// their ratio (goal: at most 1.2).
func BenchmarkWriteFanOut(b *testing.B) {
	one, many := fanOutGuard(b, 1), fanOutGuard(b, 1000)
	var lat1, latN []time.Duration
	for i := 0; b.Loop(); i++ {
		lat1 = append(lat1, one.write(b, i))
		latN = append(latN, many.write(b, i))
	}
	m1, mN := median(lat1), median(latN)
	b.ReportMetric(float64(m1.Nanoseconds()), "ns/write-1sub")
	b.ReportMetric(float64(mN.Nanoseconds()), "ns/write-1000sub")
	b.ReportMetric(float64(mN)/float64(m1), "ratio")
}

// fanOut is a guard under test and the fleet subscribed to it.
type fanOut struct {
	url       string
	delivered *bufio.Scanner // the fleet's line per write every subscriber received
}

// fanOutGuard starts a guard with the bundled policies in front of the
// embedded service, and a fleet of subs subscribers that read every event.
func fanOutGuard(b *testing.B, subs int) *fanOut {
	b.Helper()
	engine, err := guard.New(context.Background(), guard.Config{Bundled: policies.FS, Options: map[string]any{
		"service-client-api.user-data.write-allowed": "DispositionCode,Notes,CustomerSegment",
		"service-client-api.user-data.read-allowed":  "DispositionCode,Notes,CustomerSegment",
	}})
	if err != nil {
		b.Fatal(err)
	}
	s := api.New(api.Config{Service: service.NewMemory(service.DemoSeed()), Decider: engine})
	ts := httptest.NewServer(s)
	b.Cleanup(func() { // runs once testkit.Start has stopped the fleet: clean-ups run last first
		s.EndStreams()
		ts.Close()
	})
	fleet := exec.Command(os.Args[0], "-test.run=^$")
	fleet.Env = append(os.Environ(), fleetEnv+"="+ts.URL+" "+strconv.Itoa(subs))
	fleet.Stderr = os.Stderr
	out := testkit.Start(b, fleet, fleet.StdoutPipe)
	f := &fanOut{url: ts.URL, delivered: bufio.NewScanner(out)}
	if !f.delivered.Scan() || f.delivered.Text() != "ready" {
		b.Fatalf("the fleet did not subscribe: %q", f.delivered.Text())
	}
	for s.FeedStats().Subscribers != subs {
		time.Sleep(time.Millisecond)
	}
	return f
}

// write sets Notes once, timed; then, off the clock, waits until every
// subscriber has the event of write i.
func (f *fanOut) write(b *testing.B, i int) time.Duration {
	b.Helper()
	start := time.Now()
	req, _ := http.NewRequest(http.MethodPatch, f.url+"/v1/interactions/1/user-data", strings.NewReader(`{"Notes":"n"}`))
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		b.Fatal(err)
	}
	_, _ = io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	took := time.Since(start)
	if resp.StatusCode != http.StatusOK {
		b.Fatalf("write: status %d", resp.StatusCode)
	}
	b.StopTimer()
	if !f.delivered.Scan() || f.delivered.Text() != strconv.Itoa(i+1) {
		b.Fatalf("fleet: %q, want %d", f.delivered.Text(), i+1)
	}
	b.StartTimer()
	return took
}

// runFleet subscribes N clients to the guard at URL (spec "URL N"), prints
// "ready" once all are subscribed, then the count k each time every client
// has received k events.
func runFleet(spec string) int {
	url, n, _ := strings.Cut(spec, " ")
	subs, err := strconv.Atoi(n)
	if err != nil {
		fmt.Fprintln(os.Stderr, "fleet:", err)
		return 2
	}
	var received atomic.Int64
	var mu sync.Mutex
	wake := sync.NewCond(&mu)
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: subs}}
	for range subs {
		req, _ := http.NewRequest(http.MethodGet, url+"/v1/events?subscribe=interaction", nil)
		req.Header.Set("Origin", "https://crm.example")
		resp, err := client.Do(req)
		if err != nil || resp.StatusCode != http.StatusOK {
			fmt.Fprintln(os.Stderr, "fleet: subscribe:", resp, err)
			return 1
		}
		go func() {
			sc := bufio.NewScanner(resp.Body)
			for sc.Scan() {
				if strings.HasPrefix(sc.Text(), "data: ") {
					received.Add(1)
					mu.Lock()
					wake.Signal()
					mu.Unlock()
				}
			}
		}()
	}
	fmt.Println("ready")
	for k := int64(1); ; k++ {
		mu.Lock()
		for received.Load() < k*int64(subs) {
			wake.Wait()
		}
		mu.Unlock()
		fmt.Println(k)
	}
}

func median(ds []time.Duration) time.Duration {
	s := slices.Clone(ds)
	slices.Sort(s)
	return s[len(s)/2]
}
