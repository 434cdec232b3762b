package api

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"sync"
	"sync/atomic"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/wwe-guard/wwe-guard/internal/fanout"
	"github.com/wwe-guard/wwe-guard/internal/policy"
	"github.com/wwe-guard/wwe-guard/internal/wwe"
)

// Service is the WWE service the guard forwards allowed calls to.
type Service interface {
	Interactions(ctx context.Context) ([]*wwe.Interaction, error)
	// Interaction returns an *wwe.Error with INTERACTION_NOT_FOUND for an unknown id.
	Interaction(ctx context.Context, id string) (*wwe.Interaction, error)
	// InteractionForWrite returns the interaction a write may be decided on:
	// a service that refuses a write conditioned on a stale revision
	// (Command.IfMatch) may answer the last revision it saw without a round
	// trip; any other reads it, as Interaction does.
	InteractionForWrite(ctx context.Context, id string) (*wwe.Interaction, error)
	// Do performs one write; the interaction is nil for selectCaseByCaseId.
	Do(ctx context.Context, cmd wwe.Command) (*wwe.Interaction, error)
	// Subscribe streams the service's events until ctx ends or the source goes away.
	Subscribe(ctx context.Context) (<-chan wwe.Event, error)
	Ready(ctx context.Context) error
}

// Decider decides policy inputs.
type Decider interface {
	Decide(ctx context.Context, in policy.Input) (policy.Decision, error)
	// AdmittedOrigins tells CORS which browser origins the policies admit.
	AdmittedOrigins() policy.Origins
}

// Limits bound what a request may carry.
type Limits struct {
	MaxBodyBytes int64 // body bytes; over it: 413
	MaxKeyBytes  int   // bytes of one user-data key (and of ids)
	MaxDepth     int   // nesting depth of one value
	MaxKeys      int   // keys in one request, nested ones included
}

// DefaultLimits returns the limits of DESIGN.md §2.4.
func DefaultLimits() Limits {
	return Limits{MaxBodyBytes: 64 << 10, MaxKeyBytes: 255, MaxDepth: 8, MaxKeys: 1000}
}

// Config configures a Server.
type Config struct {
	Service Service
	// Decider may be nil at first: until SetDecider is called every guarded
	// request is answered 503 NOT_READY.
	Decider    Decider
	Limits     Limits
	RateLimits *RateLimits // nil: no rate limits
	Logger     *slog.Logger
	// StreamWriteTimeout bounds the write of one event to a stream; a
	// subscriber that takes longer is cut off. Zero means 10s.
	StreamWriteTimeout time.Duration
	// Workspace, when set, serves the Workspace API v3 door in front of
	// GWS, and the /v1 and SCAPI doors answer 501.
	Workspace *WorkspaceConfig
	// Authenticator, when set, requires a credential on the /v1 and SCAPI
	// doors (DESIGN.md §9); nil: no caller authentication.
	Authenticator Authenticator
	// Tokens, with an Authenticator, serve POST /v1/scapi/token.
	Tokens SessionTokens
	// TrustCallerApplication takes the caller's application from the
	// X-Caller-Application header: only for the reference service, which
	// sits behind a guard that set it. A guard never trusts it.
	TrustCallerApplication bool
	// Refused, when set, hears the errorCode of every answer the guard
	// refuses itself (for metrics).
	Refused func(code wwe.Code)
	// Relays are the pages whose sockets stamp each message with its
	// frame's origin (scapi.relays, DESIGN.md §2.5).
	Relays []Relay
	// SocketPing is how often a SCAPI socket is pinged (two missed pongs
	// cut it), SocketIdle how long one with no message and no subscription
	// stays open. Zero means 30s and 5m.
	SocketPing, SocketIdle time.Duration
	// Demo serves the demo page at /demo/.
	Demo bool
}

// Server serves the guarded Interaction API.
type Server struct {
	echo       *echo.Echo
	svc        Service
	decider    atomic.Pointer[deciderBox]
	limits     atomic.Pointer[Limits]     // swapped whole by SetLimits
	rate       atomic.Pointer[RateLimits] // nil: no rate limits
	log        *slog.Logger
	hub        *fanout.Broadcaster // every event: the service's and the guard's own
	feed       feed                // the event streams, sharing the service's stream and read decisions
	writes     conditionalWrites   // writes land only on the revision they were decided on
	v3         *WorkspaceConfig    // the Workspace API v3 door, when served
	v3sessions *v3Sessions         // its clients' sessions
	refused    func(wwe.Code)      // hears every refusal's code; nil for none
	auth       Authenticator       // nil: no caller authentication
	tokens     SessionTokens       // nil: no session tokens

	trustCallerApplication bool

	streamWriteTimeout time.Duration
	sockets            atomic.Int64            // SCAPI sockets open
	relays             atomic.Pointer[[]Relay] // scapi.relays, swapped whole by SetRelays
	socketPing         time.Duration           // how often a SCAPI socket is pinged
	socketIdle         time.Duration           // how long a SCAPI socket may stay idle
	demo               bool                    // serve the demo page
	stopping           chan struct{}           // closed by EndStreams
	draining           atomic.Bool             // set by Drain: /ready answers 503
	stopOnce           sync.Once
}

type deciderBox struct{ Decider }

// New returns a Server for cfg. Zero limits take the defaults.
func New(cfg Config) *Server {
	s := &Server{
		svc: cfg.Service, log: cfg.Logger, hub: fanout.New(),
		streamWriteTimeout: cfg.StreamWriteTimeout, stopping: make(chan struct{}), v3: cfg.Workspace, refused: cfg.Refused,
		auth: cfg.Authenticator, tokens: cfg.Tokens, trustCallerApplication: cfg.TrustCallerApplication,
	}
	if s.streamWriteTimeout <= 0 {
		s.streamWriteTimeout = defaultStreamWriteTimeout
	}
	s.SetLimits(cfg.Limits, cfg.RateLimits)
	s.SetRelays(cfg.Relays)
	s.socketPing, s.socketIdle, s.demo = cfg.SocketPing, cfg.SocketIdle, cfg.Demo
	if s.socketPing <= 0 {
		s.socketPing = defaultSocketPing
	}
	if s.socketIdle <= 0 {
		s.socketIdle = defaultSocketIdle
	}
	if s.refused == nil {
		s.refused = func(wwe.Code) {}
	}
	if s.auth == nil {
		s.tokens = nil // a token vouches for an authenticated caller
	}
	if s.log == nil {
		s.log = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	if cfg.Decider != nil {
		s.SetDecider(cfg.Decider)
	}
	s.writes.svc = s.svc
	if s.v3 != nil {
		s.v3sessions = newV3Sessions(s.v3.MaxSessions, s.v3.SessionIdle)
	}
	s.echo = s.routes()
	return s
}

// SetRelays replaces the relay pages (scapi.relays); sockets already open
// keep what they were.
func (s *Server) SetRelays(relays []Relay) {
	r := append([]Relay(nil), relays...)
	s.relays.Store(&r)
}

// SetDecider installs the decider; the server is ready once it has one.
func (s *Server) SetDecider(d Decider) { s.decider.Store(&deciderBox{d}) }

// SetLimits replaces the request limits and the rate limits (a config
// reload); requests that started keep the ones they began with. Rate
// limits equal to the current ones keep their buckets.
func (s *Server) SetLimits(l Limits, rate *RateLimits) {
	l = withDefaults(l)
	s.limits.Store(&l)
	if old := s.rate.Load(); old != nil && old.Same(rate) {
		return
	}
	s.rate.Store(rate)
}

// lim is the request limits in force.
func (s *Server) lim() Limits { return *s.limits.Load() }

// Drain marks the server as shutting down: /ready answers 503 from now on,
// while every other route keeps serving.
func (s *Server) Drain() { s.draining.Store(true) }

// EndStreams ends every open event stream cleanly and refuses none of the
// other requests: a server shutting down calls it so that its graceful
// shutdown need not wait for streams that never end by themselves.
func (s *Server) EndStreams() { s.stopOnce.Do(func() { close(s.stopping) }) }

// ServeHTTP implements http.Handler.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) { s.echo.ServeHTTP(w, r) }

func (s *Server) currentDecider() Decider {
	if b := s.decider.Load(); b != nil {
		return b.Decider
	}
	return nil
}

func withDefaults(l Limits) Limits {
	d := DefaultLimits()
	if l.MaxBodyBytes <= 0 {
		l.MaxBodyBytes = d.MaxBodyBytes
	}
	if l.MaxKeyBytes <= 0 {
		l.MaxKeyBytes = d.MaxKeyBytes
	}
	if l.MaxDepth <= 0 {
		l.MaxDepth = d.MaxDepth
	}
	if l.MaxKeys <= 0 {
		l.MaxKeys = d.MaxKeys
	}
	return l
}
