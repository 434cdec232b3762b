package api

import (
	"context"
	"net/http"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/wwe-guard/wwe-guard/internal/policy"
	"github.com/wwe-guard/wwe-guard/internal/wwe"
)

// Authenticator resolves a request's caller credential (DESIGN.md §9).
type Authenticator interface {
	// Authenticate returns who the credential names (its Application and
	// AgentID); presented is false when the request carries no credential.
	Authenticate(r *http.Request) (caller policy.Caller, presented bool, err error)
	// Ready reports whether credentials can be checked (keys fetched).
	Ready() error
}

// SessionTokens issue and check the short-lived tokens of POST
// /v1/scapi/token.
type SessionTokens interface {
	Issue(caller policy.Caller) (token string, expires time.Time)
	Verify(token string) (policy.Caller, error)
}

// sessionCookie carries a session token to the event stream: an
// EventSource cannot send headers, and a token never goes in a URL.
const sessionCookie = "wwe_guard_session"

// HeaderCallerApplication carries the authenticated application to the
// service, with Origin, as the owner of the caller's markdone block.
const HeaderCallerApplication = "X-Caller-Application"

// HeaderCallerRelayed ("true") tells the service that the caller came
// through a relay, so that its application and origin own its markdone
// block together. Like X-Caller-Application, only the reference service
// reads it.
const HeaderCallerRelayed = "X-Caller-Relayed"

type identityKey struct{}

// authenticate runs before routing: on the /v1 and SCAPI doors a caller
// without a valid credential is 401 UNAUTHENTICATED; elsewhere (health,
// readiness) a credential is optional, but one that is presented and fails
// is 401 too. The Workspace API v3 door is left to GWS, whose own
// x-api-key and Authorization pass through. CORS preflights were answered
// before.
func (s *Server) authenticate(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		if s.auth == nil {
			return next(c)
		}
		r := c.Request()
		path := r.URL.Path
		if s.v3 != nil && (strings.HasPrefix(path, "/workspace/") || strings.HasPrefix(path, "/auth/")) {
			return next(c)
		}
		// A browser's WebSocket sends no headers: a socket authenticates
		// by its first message instead (DESIGN.md §2.5), and the relay
		// script is public.
		open := r.Method == http.MethodGet && (path == socketPath || path == relayScriptPath)
		required := (path == "/v1" || strings.HasPrefix(path, "/v1/")) && !open
		if err := s.auth.Ready(); err != nil && required {
			return s.fail(c, restReply{}, wwe.Errorf(wwe.CodeNotReady, "caller authentication is not ready"))
		}
		who, presented, err := s.auth.Authenticate(r)
		if !presented && s.tokens != nil && r.Method == http.MethodGet && path == "/v1/events" {
			// Only the event stream takes the session cookie: a cookie
			// goes with every request a browser sends, so a write
			// authenticated by one would be open to cross-site requests.
			if cookie, cerr := r.Cookie(sessionCookie); cerr == nil {
				who, err = s.tokens.Verify(cookie.Value)
				presented = true
			}
		}
		switch {
		case err != nil:
			s.log.Info("caller authentication failed", "path", path, "err", err)
			return s.fail(c, restReply{}, wwe.Errorf(wwe.CodeUnauthenticated, "the credential is not valid"))
		case !presented && required:
			return s.fail(c, restReply{}, wwe.Errorf(wwe.CodeUnauthenticated, "a credential is required: X-API-Key or Authorization: Bearer"))
		case presented:
			c.SetRequest(r.WithContext(context.WithValue(r.Context(), identityKey{}, who)))
		}
		return next(c)
	}
}

// identity is who the caller authenticated as (application and agent): from
// the credential the guard checked or, for the reference service behind a
// guard, the application from the header the guard sends; empty when
// neither.
func (s *Server) identity(r *http.Request) policy.Caller {
	if who, ok := r.Context().Value(identityKey{}).(policy.Caller); ok {
		return who
	}
	if s.trustCallerApplication {
		return policy.Caller{Application: r.Header.Get(HeaderCallerApplication)}
	}
	return policy.Caller{}
}

// sessionToken is POST /v1/scapi/token: a short-lived token for the caller
// that authenticated this request, in the body (for a socket's first
// message) and as an HttpOnly cookie for the event stream.
func (s *Server) sessionToken(c echo.Context) error {
	who := s.identity(c.Request())
	if who.Application == "" {
		return s.fail(c, restReply{}, wwe.Errorf(wwe.CodeUnauthenticated, "a credential is required"))
	}
	token, expires := s.tokens.Issue(who)
	c.SetCookie(&http.Cookie{
		Name: sessionCookie, Value: token, Path: "/v1/events", Expires: expires,
		HttpOnly: true, Secure: c.Request().TLS != nil, SameSite: http.SameSiteStrictMode,
	})
	c.Response().Header().Set("Cache-Control", "no-store")
	return c.JSON(http.StatusOK, map[string]any{"token": token, "expiresAt": expires.UTC().Format(time.RFC3339)})
}
