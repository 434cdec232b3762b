package api

import (
	"context"
	"errors"
	"io"
	"net/http"
	"sync"
	"sync/atomic"
	"time"

	"github.com/coder/websocket"
	"github.com/labstack/echo/v4"

	"github.com/wwe-guard/wwe-guard/internal/policy"
	"github.com/wwe-guard/wwe-guard/internal/wwe"
)

// The SCAPI message channel's bounds (DESIGN.md §2.5).
const (
	socketInFlight    = 32  // requests in flight on one socket; beyond, the guard stops reading
	socketQueue       = 256 // messages waiting to be written; beyond, the socket is cut
	socketSubs        = 16  // subscriptions open on one socket
	defaultSocketPing = 30 * time.Second
	defaultSocketIdle = 5 * time.Minute
	socketPath        = "/v1/scapi/ws"
)

// Relay is a page that relays its frames' SCAPI messages (scapi.relays):
// on a socket it opens, the origin each message is stamped with is the
// caller's. With caller authentication, the socket must also have
// authenticated as Application.
type Relay struct {
	Origin      string
	Application string
}

// socket is one SCAPI WebSocket: requests are read one message at a time
// and run concurrently; replies and events share one queue to the writer.
type socket struct {
	s      *Server
	conn   *websocket.Conn
	req    *http.Request // the handshake, whose context the calls do not use
	ctx    context.Context
	cancel context.CancelFunc
	origin string // the handshake's Origin

	who     policy.Caller // the application and agent it authenticated as
	authed  atomic.Bool   // caller authentication is off, or the socket has passed it
	relayed bool          // a listed relay's socket: messages carry the caller origin

	out      chan []byte
	slots    chan struct{} // one per message being handled
	lastSeen atomic.Int64  // unix nanoseconds of the last message read
	closing  sync.Once
	closeRun atomic.Bool   // close started the closing handshake
	closed   chan struct{} // closed when that handshake is over

	mu      sync.Mutex
	subs    map[string]*subscription
	lastSub int
}

// scapiSocket serves GET /v1/scapi/ws. A browser's Origin must be one the
// policies admit or a listed relay's before the socket opens; everything
// after that is decided per message.
func (s *Server) scapiSocket(c echo.Context) error {
	r := c.Request()
	d := s.currentDecider()
	if d == nil {
		return s.fail(c, restReply{}, wwe.Errorf(wwe.CodeNotReady, "policies are not loaded yet"))
	}
	origin := r.Header.Get(echo.HeaderOrigin)
	if origin != "" && !s.relayOrigin(origin) && !d.AdmittedOrigins().Admits(origin) {
		return s.fail(c, restReply{}, wwe.Errorf(wwe.CodeRequestNotAllowed, "origin %q may not open a SCAPI socket", origin))
	}
	// The origin was checked above, against the policies and the relays.
	conn, err := websocket.Accept(c.Response(), r, &websocket.AcceptOptions{InsecureSkipVerify: true})
	if err != nil {
		s.log.Info("SCAPI socket handshake failed", "err", err)
		return nil
	}
	ctx, cancel := context.WithCancel(context.WithoutCancel(r.Context()))
	k := &socket{
		s: s, conn: conn, req: r, ctx: ctx, cancel: cancel, origin: origin,
		out: make(chan []byte, socketQueue), slots: make(chan struct{}, socketInFlight),
		subs: map[string]*subscription{}, closed: make(chan struct{}),
	}
	if who, ok := r.Context().Value(identityKey{}).(policy.Caller); ok || s.auth == nil {
		k.authenticated(who)
	}
	s.sockets.Add(1)
	defer s.sockets.Add(-1)
	k.serve()
	return nil
}

// relayOrigin reports whether origin is a listed relay's.
func (s *Server) relayOrigin(origin string) bool {
	for _, r := range *s.relays.Load() {
		if r.Origin == origin {
			return true
		}
	}
	return false
}

// authenticated records who the socket is and, with it, whether it is a
// relay's: the relay's origin and, with caller authentication, its
// application.
func (k *socket) authenticated(who policy.Caller) {
	k.who = who
	for _, r := range *k.s.relays.Load() {
		if r.Origin == k.origin && (k.s.auth == nil || r.Application == who.Application) {
			k.relayed = true
			break
		}
	}
	k.authed.Store(true)
}

// serve reads messages until the socket closes, then ends its
// subscriptions.
func (k *socket) serve() {
	k.seen()
	go k.write()
	go k.keepAlive()
	defer k.end()
	for {
		select {
		case k.slots <- struct{}{}:
		case <-k.ctx.Done():
			return
		}
		msg, binary, err := k.read()
		if err != nil {
			return
		}
		if binary {
			k.answer(func(c echo.Context) error {
				return k.s.fail(c, &scapiReply{}, invalid("SCAPI messages are JSON text frames"))
			})
			<-k.slots
			continue
		}
		k.handle(msg)
	}
}

// read reads one message of at most the body limit. One over it gets a
// REQUEST_TOO_LARGE reply with the referenceId scanned from what was read,
// and the socket is closed with 1009.
func (k *socket) read() (msg []byte, binary bool, err error) {
	limit := k.s.lim().MaxBodyBytes
	k.conn.SetReadLimit(limit + 1)
	typ, r, err := k.conn.Reader(k.ctx)
	if err != nil {
		return nil, false, err
	}
	msg, err = io.ReadAll(io.LimitReader(r, limit+1))
	if err != nil {
		return nil, false, err
	}
	k.seen()
	if int64(len(msg)) > limit {
		rp := &scapiReply{referenceID: scanReferenceID(msg[:limit])}
		k.last(rp, tooLarge(limit), websocket.StatusMessageTooBig, "message over the body limit")
		return nil, false, errors.New("message too big")
	}
	return msg, typ == websocket.MessageBinary, nil
}

// last writes the failure err as the socket's last message, then closes
// it with code.
func (k *socket) last(rp *scapiReply, err error, code websocket.StatusCode, reason string) {
	reply := k.capture(func(c echo.Context) error { return k.s.fail(c, rp, err) })
	ctx, cancel := context.WithTimeout(k.ctx, k.s.streamWriteTimeout)
	_ = k.conn.Write(ctx, websocket.MessageText, reply)
	cancel()
	k.close(code, reason)
}

func (k *socket) seen() { k.lastSeen.Store(time.Now().UnixNano()) }

// answer runs reply against a context of its own and queues what it wrote:
// the same bytes the envelope door would have answered.
func (k *socket) answer(reply func(c echo.Context) error) {
	k.enqueue(k.capture(reply))
}

// capture runs reply and returns the body it wrote.
func (k *socket) capture(reply func(c echo.Context) error) []byte {
	w := &capturedReply{header: http.Header{}}
	c := k.s.echo.NewContext(k.req.WithContext(k.ctx), w)
	c.SetPath(socketPath)
	if err := reply(c); err != nil {
		k.s.log.Error("SCAPI socket reply failed", "err", err)
	}
	b := w.body
	if n := len(b); n > 0 && b[n-1] == '\n' {
		b = b[:n-1]
	}
	return b
}

// enqueue hands msg to the writer; a socket whose queue is full is cut.
func (k *socket) enqueue(msg []byte) {
	if len(msg) == 0 {
		return
	}
	select {
	case k.out <- msg:
	default:
		k.cut("too slow: messages not read")
	}
}

// write writes the queue, each message within the stream write timeout.
func (k *socket) write() {
	for {
		select {
		case <-k.ctx.Done():
			return
		case msg := <-k.out:
			ctx, cancel := context.WithTimeout(k.ctx, k.s.streamWriteTimeout)
			err := k.conn.Write(ctx, websocket.MessageText, msg)
			cancel()
			if err != nil {
				k.cut("too slow: a write timed out")
				return
			}
		}
	}
}

// capturedReply is the http.ResponseWriter a socket's answers are written
// to.
type capturedReply struct {
	header http.Header
	body   []byte
}

func (w *capturedReply) Header() http.Header { return w.header }
func (w *capturedReply) WriteHeader(int)     {}
func (w *capturedReply) Write(b []byte) (int, error) {
	w.body = append(w.body, b...)
	return len(b), nil
}

// SocketsOpen counts the open SCAPI sockets.
func (s *Server) SocketsOpen() int64 { return s.sockets.Load() }
