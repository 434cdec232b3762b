package api

import (
	"net/http"
	"net/url"
	"time"

	"github.com/wwe-guard/wwe-guard/internal/wwe"
)

// WorkspaceConfig configures the Workspace API v3 door (DESIGN.md §8): the
// guard in front of Genesys Web Services. With it the /v1 and SCAPI doors
// answer 501 NOT_IMPLEMENTED.
type WorkspaceConfig struct {
	// Upstream is GWS's base URL; Client reaches it (TLS included) and
	// never follows redirects.
	Upstream *url.URL
	Client   *http.Client
	// Timeout bounds one upstream call; a long-poll is bounded by its own
	// hold time plus LongPollMargin instead.
	Timeout time.Duration
	// PublicURL is the guard's own URL as clients reach it, for the
	// redirects GWS sends (nil: the scheme and Host of each request).
	PublicURL *url.URL
	// HoldAutoComplete makes activate-channels carry autoCompleteCall:
	// false, so a released call waits for an allowed complete.
	HoldAutoComplete bool
	// ServiceClientOptions is "apply" (the shipped write-allowed and
	// read-allowed rules apply on this door too) or "ignore".
	ServiceClientOptions string
	SessionIdle          time.Duration // a session's state is dropped after this long unused
	MaxSessions          int           // sessions tracked at most (least recently used go first)
	LongPollMargin       time.Duration
	MaxResponseBytes     int64 // a GWS answer over it is 502
	AllowUnknownRoutes   bool  // forward routes Genesys' client does not define (never with user data)
}

// DefaultWorkspaceConfig returns the defaults of DESIGN.md §5 for GWS at
// upstream.
func DefaultWorkspaceConfig(upstream *url.URL) WorkspaceConfig {
	return WorkspaceConfig{
		Upstream: upstream, Timeout: 5 * time.Second, HoldAutoComplete: true, ServiceClientOptions: "apply",
		SessionIdle: 30 * time.Minute, MaxSessions: 10000, LongPollMargin: 5 * time.Second, MaxResponseBytes: 16 << 20,
	}
}

// ErrNotTranslated is the answer of the /v1 and SCAPI doors in front of a
// Workspace API v3 upstream: they do not translate into its calls yet.
func ErrNotTranslated() *wwe.Error {
	return wwe.Errorf(wwe.CodeNotImplemented, "the /v1 and SCAPI doors do not reach a Workspace API v3 upstream yet; use /workspace/v3")
}
