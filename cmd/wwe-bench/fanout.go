package main

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/coder/websocket"
	"golang.org/x/sync/errgroup"
)

// FanoutReport is what `wwe-bench fanout` measured: how the events of a
// steady stream of writes reached many subscribed SCAPI sockets.
type FanoutReport struct {
	Target      string  `json:"target"`
	Sockets     int     `json:"sockets"`
	Rate        float64 `json:"rate"` // writes per second
	DurationSec float64 `json:"durationSec"`
	Writes      int     `json:"writes"` // writes answered 200
	WriteErrors int     `json:"writeErrors"`
	// WriteFailures counts the failed writes by outcome ("409
	// MARKDONE_BLOCKED", "TRANSPORT_ERROR").
	WriteFailures map[string]int `json:"writeFailures,omitempty"`
	// Expected is Writes × Sockets: every socket should hear every write.
	Expected  int `json:"expected"`
	Delivered int `json:"delivered"`
	// Closed counts sockets the guard closed during the run (a slow one is
	// cut rather than let fall behind).
	Closed int `json:"closed"`
	// LatencyMs runs from a write being sent to its event being read on a
	// socket, over every delivery.
	LatencyMs Latency `json:"latencyMs"`
}

// fanoutMarker starts the Notes value of each write; its sequence number
// follows, so a socket tells which write an event is of.
const fanoutMarker = "fanout "

// fanoutCommand is `wwe-bench fanout`: open --sockets SCAPI sockets, each
// subscribed to interaction events, write Notes on one interaction at
// --rate for --duration through /v1, and measure each event's delivery to
// every socket.
func fanoutCommand(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("wwe-bench fanout", flag.ContinueOnError)
	fs.SetOutput(stderr)
	base := fs.String("url", "", "base URL of the guard (or any target serving /v1 and /v1/scapi/ws)")
	sockets := fs.Int("sockets", 1000, "subscribed sockets")
	rate := fs.Float64("rate", 10, "writes per second")
	duration := fs.Duration("duration", 10*time.Second, "how long the writes go on")
	id := fs.String("id", "2", "interaction whose Notes the writes set (a live one of the demo seed; Notes must be read-allowed)")
	apiKey := fs.String("api-key", "", "send X-API-Key on the writes and the sockets' handshakes")
	jsonPath := fs.String("json", "", "write the JSON report to FILE, or to stdout with -")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *base == "" || *sockets <= 0 || *rate <= 0 || *duration <= 0 {
		return fmt.Errorf("fanout: give --url, and positive --sockets, --rate and --duration")
	}
	f := &fanout{base: strings.TrimRight(*base, "/"), header: http.Header{}, total: scheduleLength(*rate, *duration)}
	if *apiKey != "" {
		f.header.Set("X-API-Key", *apiKey)
	}
	f.sent = make([]atomic.Int64, f.total)
	if err := f.open(ctx, *sockets); err != nil {
		return err
	}
	defer f.closeAll()
	rep := f.run(ctx, *id, *rate, *duration)
	out := newOutput(*jsonPath, stdout, stderr)
	fmt.Fprintf(out.table, "fanout      %d sockets, %g writes/s for %s on %s\n", rep.Sockets, rep.Rate, *duration, rep.Target)
	fmt.Fprintf(out.table, "writes      %d answered 200, %d failed %v\n", rep.Writes, rep.WriteErrors, rep.WriteFailures)
	fmt.Fprintf(out.table, "events      %d delivered of %d expected, %d sockets closed by the guard\n", rep.Delivered, rep.Expected, rep.Closed)
	fmt.Fprintf(out.table, "latency ms  p50 %.3f  p90 %.3f  p99 %.3f  p99.9 %.3f  max %.3f   (write sent to event read, every delivery)\n",
		rep.LatencyMs.P50, rep.LatencyMs.P90, rep.LatencyMs.P99, rep.LatencyMs.P999, rep.LatencyMs.Max)
	if err := out.writeJSON(rep); err != nil {
		return err
	}
	if rep.WriteErrors > 0 || rep.Delivered != rep.Expected {
		return fmt.Errorf("fanout: %d of %d events not delivered, %d writes failed: %w", rep.Expected-rep.Delivered, rep.Expected, rep.WriteErrors, errUnexpected)
	}
	return nil
}

// fanout is one fanout run.
type fanout struct {
	base   string
	header http.Header
	total  int
	sent   []atomic.Int64 // unix nanoseconds each write was sent; 0: not sent
	subs   []*fanoutSocket
	closed atomic.Int64
}

// fanoutSocket is one subscribed socket and the delivery latencies it read.
type fanoutSocket struct {
	conn      *websocket.Conn
	latencies []time.Duration // read once done is closed
	count     atomic.Int64    // len(latencies), for the run to watch
	done      chan struct{}
}

// open dials n sockets, a few at a time, and subscribes each.
func (f *fanout) open(ctx context.Context, n int) error {
	f.subs = make([]*fanoutSocket, n)
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(32)
	url := "ws" + strings.TrimPrefix(f.base, "http") + "/v1/scapi/ws"
	for i := range n {
		g.Go(func() error {
			dctx, cancel := context.WithTimeout(gctx, 10*time.Second)
			defer cancel()
			conn, _, err := websocket.Dial(dctx, url, &websocket.DialOptions{HTTPHeader: f.header})
			if err != nil {
				return fmt.Errorf("fanout: socket %d: %w", i, err)
			}
			conn.SetReadLimit(1 << 20)
			sub := `{"event":"subscribe","data":["interaction"],"referenceId":"fanout","userAgent":"WWE Client","protocolVersion":2}`
			if err := conn.Write(dctx, websocket.MessageText, []byte(sub)); err != nil {
				return fmt.Errorf("fanout: socket %d: %w", i, err)
			}
			_, reply, err := conn.Read(dctx)
			if err != nil || !bytes.Contains(reply, []byte(`"subscriptionId"`)) {
				return fmt.Errorf("fanout: socket %d: subscribe answered %s %v", i, reply, err)
			}
			f.subs[i] = &fanoutSocket{conn: conn, done: make(chan struct{})}
			return nil
		})
	}
	if err := g.Wait(); err != nil {
		f.closeAll()
		return err
	}
	return nil
}

// listen reads one socket's events until it closes.
func (f *fanout) listen(s *fanoutSocket) {
	defer close(s.done)
	marker := []byte(`"Notes":"` + fanoutMarker)
	for {
		_, msg, err := s.conn.Read(context.Background())
		if err != nil {
			if websocket.CloseStatus(err) != -1 {
				f.closed.Add(1)
			}
			return
		}
		now := time.Now().UnixNano()
		i := bytes.Index(msg, marker)
		if i < 0 {
			continue
		}
		rest := msg[i+len(marker):]
		end := bytes.IndexByte(rest, '"')
		seq, err := strconv.Atoi(string(rest[:max(end, 0)]))
		if err != nil || seq < 0 || seq >= f.total {
			continue
		}
		if at := f.sent[seq].Load(); at > 0 {
			s.latencies = append(s.latencies, time.Duration(now-at))
			s.count.Add(1)
		}
	}
}

// run writes at rate for d, waits for the events to arrive, and reports.
func (f *fanout) run(ctx context.Context, id string, rate float64, d time.Duration) FanoutReport {
	for _, s := range f.subs {
		go f.listen(s)
	}
	client := newClient(4, 5*time.Second)
	defer client.CloseIdleConnections()
	path := "/v1/interactions/" + url.PathEscape(id) + "/user-data"
	var writes atomic.Int64
	var mu sync.Mutex
	failures := map[string]int{}
	var wg sync.WaitGroup
	t0 := time.Now()
	for i := range f.total {
		if wait := time.Until(t0.Add(offset(i, rate))); wait > 0 {
			select {
			case <-time.After(wait):
			case <-ctx.Done():
			}
		}
		if ctx.Err() != nil {
			break
		}
		body, _ := json.Marshal(map[string]string{"Notes": fanoutMarker + strconv.Itoa(i)})
		r := request{method: http.MethodPatch, path: path, body: string(body)}
		f.sent[i].Store(time.Now().UnixNano())
		wg.Go(func() {
			out, err := send(ctx, client, f.base, r)
			switch {
			case err == nil && out.status == http.StatusOK:
				writes.Add(1)
			case err == nil:
				mu.Lock()
				failures[out.String()]++
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	// The events have all arrived, or stopped arriving for a second.
	want := int(writes.Load()) * len(f.subs)
	last, still := -1, time.Now()
	for time.Since(still) < time.Second && ctx.Err() == nil {
		n := 0
		for _, s := range f.subs {
			n += int(s.count.Load())
		}
		if n >= want {
			break
		}
		if n != last {
			last, still = n, time.Now()
		}
		time.Sleep(10 * time.Millisecond)
	}
	f.closeAll() // stops the readers; what they read is final
	var all []time.Duration
	for _, s := range f.subs {
		all = append(all, s.latencies...)
	}
	return FanoutReport{
		Target: f.base, Sockets: len(f.subs), Rate: rate, DurationSec: d.Seconds(),
		Writes: int(writes.Load()), WriteErrors: f.total - int(writes.Load()), WriteFailures: failures,
		Expected: want, Delivered: len(all), Closed: int(f.closed.Load()),
		LatencyMs: distribution(all),
	}
}

func (f *fanout) closeAll() {
	for _, s := range f.subs {
		if s != nil {
			s.conn.CloseNow()
		}
	}
	for _, s := range f.subs {
		if s != nil && s.done != nil {
			select {
			case <-s.done:
			case <-time.After(5 * time.Second):
			}
		}
	}
}
