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
