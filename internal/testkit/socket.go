package testkit

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/coder/websocket"
)

// Socket is a test's end of a SCAPI socket (GET /v1/scapi/ws). It reads all
// the time, as a browser does, so that the guard's pings are answered.
type Socket struct {
	t    testing.TB
	Conn *websocket.Conn
	in   chan []byte
	err  error // why reading stopped, once in is closed
}

// DialSocket opens base's SCAPI socket with the headers given as name,
// value pairs (Origin, a credential); the test fails if it does not open.
func DialSocket(t testing.TB, base string, headers ...string) *Socket {
	t.Helper()
	conn, err := DialSocketRaw(base, headers...)
	if err != nil {
		t.Fatalf("dial %s: %v", base, err)
	}
	t.Cleanup(func() { conn.CloseNow() })
	k := &Socket{t: t, Conn: conn, in: make(chan []byte, 4096)}
	go func() {
		defer close(k.in)
		for {
			_, b, err := conn.Read(context.Background())
			if err != nil {
				k.err = err
				return
			}
			k.in <- b
		}
	}()
	return k
}

// DialSocketRaw opens base's SCAPI socket and leaves reading to the caller;
// a refused handshake's error is its HTTP status line.
func DialSocketRaw(base string, headers ...string) (*websocket.Conn, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	h := http.Header{}
	for i := 0; i+1 < len(headers); i += 2 {
		h.Set(headers[i], headers[i+1])
	}
	url := "ws" + strings.TrimPrefix(base, "http") + "/v1/scapi/ws"
	conn, resp, err := websocket.Dial(ctx, url, &websocket.DialOptions{HTTPHeader: h})
	if err != nil && resp != nil {
		return nil, errors.New(resp.Status)
	}
	return conn, err
}

// Send writes one text message.
func (k *Socket) Send(msg string) {
	k.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := k.Conn.Write(ctx, websocket.MessageText, []byte(msg)); err != nil {
		k.t.Fatalf("send %s: %v", msg, err)
	}
}

// Next returns the next message, decoded; the test fails on a close or
// after ten seconds without one.
func (k *Socket) Next() map[string]any {
	k.t.Helper()
	m, err := k.Read()
	if err != nil {
		k.t.Fatalf("read: %v", err)
	}
	return m
}

// Read returns the next message, or why there is none.
func (k *Socket) Read() (map[string]any, error) {
	select {
	case b, ok := <-k.in:
		if !ok {
			return nil, k.err
		}
		var m map[string]any
		if err := json.Unmarshal(b, &m); err != nil {
			return nil, err
		}
		return m, nil
	case <-time.After(10 * time.Second):
		return nil, errors.New("no message in 10s")
	}
}

// Closed reads until the socket closes and returns its close status.
func (k *Socket) Closed() websocket.StatusCode {
	k.t.Helper()
	for {
		if _, err := k.Read(); err != nil {
			return websocket.CloseStatus(err)
		}
	}
}

// Call sends request with the JSON array params and returns its reply,
// which must echo ref.
func (k *Socket) Call(ref, request, params string) map[string]any {
	k.t.Helper()
	k.Send(`{"request":"` + request + `","parameters":` + params + `,"referenceId":"` + ref + `","userAgent":"WWE Client","protocolVersion":2}`)
	m := k.Next()
	if m["referenceId"] != ref {
		k.t.Fatalf("reply to %s echoes referenceId %v: %v", ref, m["referenceId"], m)
	}
	return m
}
