package gwssim

import (
	"net/http/httptest"
	"testing"
	"time"

	"github.com/wwe-guard/wwe-guard/internal/gwssim/gwstest"
)

const redirectURI = gwstest.RedirectURI

// newSim serves a Sim with a short advice over real HTTP.
func newSim(tb testing.TB, cfg Config) (*Sim, *httptest.Server) {
	tb.Helper()
	if cfg.Advice == 0 {
		cfg.Advice = 300 * time.Millisecond
	}
	s := New(cfg)
	srv := httptest.NewServer(s)
	tb.Cleanup(func() { s.Close(); srv.Close() })
	return s, srv
}

// startAgent serves a Sim with cfg and starts JohnSmith on it, subscribed
// to channels (gwstest.Agent.Start, no extra activation fields).
func startAgent(t *testing.T, cfg Config, channels ...string) (*httptest.Server, *gwstest.Agent) {
	t.Helper()
	_, srv := newSim(t, cfg)
	a := gwstest.NewAgent(t, srv.URL)
	a.Start("JohnSmith", "", channels...)
	return srv, a
}
