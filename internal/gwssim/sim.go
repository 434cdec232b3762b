package gwssim

import (
	"crypto/subtle"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"time"
)

// Config sets up a Sim. Zero fields take the defaults.
type Config struct {
	// Agents who can sign in (default DefaultAgents()).
	Agents []Agent
	// APIKey, when set, must come as x-api-key on every /workspace/v3 and
	// /auth/v3 request; GWS ignores it otherwise.
	APIKey string
	// Advice is the CometD advice timeout: how long a connect is held when
	// nothing is queued (default 30s; keep it short in tests).
	Advice time.Duration
	// MaxSessions bounds the open sessions (default 256); initialize-workspace
	// beyond it is 503.
	MaxSessions int
	// MaxQueue bounds the messages queued for one CometD client (default
	// 1000); a client that falls further behind is dropped and must
	// handshake again.
	MaxQueue int
	// MaxBody bounds a request body (default 1 MiB); larger is 413.
	MaxBody int64
	// Logger (default: discard).
	Logger *slog.Logger
}

// Agent is a user who can sign in, and the identity GWS reports for them.
type Agent struct {
	UserName   string `json:"userName"`
	Password   string `json:"-"`
	FirstName  string `json:"firstName"`
	LastName   string `json:"lastName"`
	EmployeeID string `json:"employeeId"`
	AgentLogin string `json:"agentLogin"`
	DN         string `json:"-"`
	Place      string `json:"defaultPlace"`
}

// DefaultAgents are two agents whose password is their user name.
func DefaultAgents() []Agent {
	return []Agent{
		{UserName: "JohnSmith", Password: "JohnSmith", FirstName: "John", LastName: "Smith",
			EmployeeID: "JohnSmith", AgentLogin: "7001", DN: "7001", Place: "Place_7001"},
		{UserName: "JaneDoe", Password: "JaneDoe", FirstName: "Jane", LastName: "Doe",
			EmployeeID: "JaneDoe", AgentLogin: "7002", DN: "7002", Place: "Place_7002"},
	}
}

// Sim is the reference GWS. Its state is in memory, behind one lock.
type Sim struct {
	cfg  Config
	log  *slog.Logger
	mux  *http.ServeMux
	recv *received

	mu       sync.Mutex
	closed   bool
	codes    map[string]grant // authorization codes, one use each
	tokens   map[string]grant // access tokens
	sessions map[string]*session
	clients  map[string]*client
}

// New returns a Sim with cfg's defaults filled in.
func New(cfg Config) *Sim {
	if len(cfg.Agents) == 0 {
		cfg.Agents = DefaultAgents()
	}
	if cfg.Advice <= 0 {
		cfg.Advice = 30 * time.Second
	}
	if cfg.MaxSessions <= 0 {
		cfg.MaxSessions = 256
	}
	if cfg.MaxQueue <= 0 {
		cfg.MaxQueue = 1000
	}
	if cfg.MaxBody <= 0 {
		cfg.MaxBody = 1 << 20
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	s := &Sim{
		cfg: cfg, log: cfg.Logger, mux: http.NewServeMux(), recv: newReceived(),
		codes: map[string]grant{}, tokens: map[string]grant{},
		sessions: map[string]*session{}, clients: map[string]*client{},
	}
	s.routes()
	return s
}

// ServeHTTP routes the request (routes.go).
func (s *Sim) ServeHTTP(w http.ResponseWriter, r *http.Request) { s.mux.ServeHTTP(w, r) }

// keyOK reports whether the request carries the configured API key, if any.
func (s *Sim) keyOK(r *http.Request) bool {
	return s.cfg.APIKey == "" || subtle.ConstantTimeCompare([]byte(r.Header.Get("x-api-key")), []byte(s.cfg.APIKey)) == 1
}

// Close ends every held long-poll at once and answers later ones at once;
// for a server's shutdown.
func (s *Sim) Close() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.closed = true
	for _, c := range s.clients {
		c.signal()
	}
}

// Received returns how many requests each route received (see GET
// /sim/received).
func (s *Sim) Received() map[string]int { return s.recv.counts() }

func (s *Sim) agent(name string) *Agent {
	name = name[strings.LastIndex(name, `\`)+1:] // "\JohnSmith" or "tenant\JohnSmith"
	for i := range s.cfg.Agents {
		if s.cfg.Agents[i].UserName == name {
			return &s.cfg.Agents[i]
		}
	}
	return nil
}
