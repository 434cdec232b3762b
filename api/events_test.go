package api_test

import (
	"bufio"
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/wwe-guard/wwe-guard/api"
	"github.com/wwe-guard/wwe-guard/api/service"
	"github.com/wwe-guard/wwe-guard/internal/sim"
	"github.com/wwe-guard/wwe-guard/internal/wwe"
)

// streamServer serves the reference service unguarded, with the given
// stream write timeout.
func streamServer(t *testing.T, writeTimeout time.Duration) (*api.Server, string) {
	t.Helper()
	seed := []*wwe.Interaction{{InteractionID: "1", MediaType: "voice", State: wwe.StateTalking, UserData: wwe.UserData{}}}
	s := api.New(api.Config{Service: service.NewMemory(seed), Decider: sim.AllowAll{}, StreamWriteTimeout: writeTimeout})
	ts := httptest.NewServer(s)
	t.Cleanup(func() {
		s.EndStreams()
		ts.Close()
	})
	return s, ts.URL
}

// rawStream opens GET /v1/events on a TCP connection with a small receive
// buffer and reads the response head; the caller reads the rest, or not.
func rawStream(t *testing.T, base string) (net.Conn, *bufio.Reader) {
	t.Helper()
	d := net.Dialer{Control: func(_, _ string, c syscall.RawConn) error {
		var serr error
		err := c.Control(func(fd uintptr) { serr = syscall.SetsockoptInt(int(fd), syscall.SOL_SOCKET, syscall.SO_RCVBUF, 4096) })
		return errors.Join(err, serr)
	}}
	conn, err := d.Dial("tcp", strings.TrimPrefix(base, "http://"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close() })
	if _, err := io.WriteString(conn, "GET /v1/events?subscribe=interaction HTTP/1.1\r\nHost: guard\r\n\r\n"); err != nil {
		t.Fatal(err)
	}
	r := bufio.NewReaderSize(conn, 4096)
	resp, err := http.ReadResponse(r, nil)
	if err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("events: %v %v", resp, err)
	}
	return conn, r
}

// waitFor polls cond for up to ten seconds.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// TestSlowSubscriberIsCut: a subscriber that stops reading is cut off once
// a write to it takes longer than the stream write timeout, instead of
// holding its handler (and its connection) in a write forever, while a
// subscriber that reads gets every event.
func TestSlowSubscriberIsCut(t *testing.T) {
	t.Parallel()
	s, base := streamServer(t, 200*time.Millisecond)
	reader := openStream(t, base)
	conn, _ := rawStream(t, base)
	waitFor(t, "two subscribers", func() bool { return s.FeedStats().Subscribers == 2 })

	// 300 events of 40 KB each: far more than the sockets and the
	// subscriber's buffer hold.
	blob := strings.Repeat("x", 40<<10)
	for i := range 300 {
		if code, body := patch(t, base, `{"Blob":"`+blob+`","N":`+strconv.Itoa(i)+`}`); code != http.StatusOK {
			t.Fatalf("write %d: %d %v", i, code, body)
		}
		if got := reader.next(t); !strings.Contains(got, `"N":`+strconv.Itoa(i)+`}`) {
			t.Fatalf("the reading subscriber got event %.80q..., want write %d", got, i)
		}
	}
	waitFor(t, "the slow subscriber to be cut off", func() bool { return s.FeedStats().Subscribers == 1 })

	// Its stream ended: what was sent before the cut drains, then EOF.
	if err := conn.SetReadDeadline(time.Now().Add(10 * time.Second)); err != nil {
		t.Fatal(err)
	}
	if _, err := io.Copy(io.Discard, conn); err != nil {
		t.Fatalf("the slow subscriber's stream did not end: %v", err)
	}
}

// stream reads the data lines of an event stream.
type stream struct {
	lines  chan string // closed when the stream ends
	err    error       // why it ended (nil: cleanly); read once lines is closed
	cancel context.CancelFunc
}

func openStream(t *testing.T, base string) *stream {
	t.Helper()
	return openEvents(t, base, "subscribe=interaction", "")
}

// openEvents opens GET /v1/events?query, from origin when it is not empty,
// and reads its data lines until it ends or cancel is called.
func openEvents(t *testing.T, base, query, origin string) *stream {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, base+"/v1/events?"+query, nil)
	if err != nil {
		t.Fatal(err)
	}
	if origin != "" {
		req.Header.Set("Origin", origin)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("events: %v %v", resp, err)
	}
	s := &stream{lines: make(chan string, 1024), cancel: cancel}
	go func() {
		defer resp.Body.Close()
		defer close(s.lines)
		sc := bufio.NewScanner(resp.Body)
		sc.Buffer(make([]byte, 0, 64<<10), 1<<20)
		for sc.Scan() {
			if line, ok := strings.CutPrefix(sc.Text(), "data: "); ok {
				s.lines <- line
			}
		}
		s.err = sc.Err()
	}()
	return s
}

func (s *stream) next(t *testing.T) string {
	t.Helper()
	select {
	case line, ok := <-s.lines:
		if !ok {
			t.Fatal("the event stream ended")
		}
		return line
	case <-time.After(10 * time.Second):
		t.Fatal("no event within 10s")
	}
	return ""
}

// endsCleanly waits for the stream (who, to the messages) to end with no
// further event, and checks that the server ended it cleanly.
func (s *stream) endsCleanly(t *testing.T, who string) {
	t.Helper()
	select {
	case line, ok := <-s.lines:
		if ok {
			t.Fatalf("%s: an event where the stream should end: %s", who, line)
		}
		if s.err != nil {
			t.Errorf("%s ended with %v, want a clean end", who, s.err)
		}
	case <-time.After(10 * time.Second):
		t.Fatalf("%s did not end within 10s", who)
	}
}
