package api

import (
	"errors"
	"io"
	"net/http"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/wwe-guard/wwe-guard/internal/workspace"
	"github.com/wwe-guard/wwe-guard/internal/wwe"
)

// v3Door is the Workspace API v3 door (DESIGN.md §8): every request below
// /workspace/v3 and /auth/v3. It classifies the path once and forwards
// exactly the canonical path it classified; what it does in between depends
// on the route's kind.
func (s *Server) v3Door(c echo.Context) error {
	r := c.Request()
	if r.Header.Get("Upgrade") != "" {
		return s.v3Failure(c, wwe.Errorf(wwe.CodeInvalidRequest, "protocol upgrades are not supported; use long-polling"))
	}
	route, err := workspace.Classify(r.Method, r.URL)
	if err != nil {
		return s.v3Failure(c, wwe.Errorf(wwe.CodeInvalidRequest, "%v", err))
	}
	key, err := v3SessionKey(r)
	if err != nil {
		return s.v3Failure(c, err)
	}
	body, err := s.v3Body(c)
	if err != nil {
		return s.v3Failure(c, err)
	}
	x := &v3Exchange{c: c, route: route, body: body, sessionKey: key}
	switch route.Kind {
	case workspace.NotFound:
		return s.v3Unknown(x)
	case workspace.Notifications:
		return s.v3Notifications(x)
	case workspace.ActivateChannels:
		return s.v3ActivateChannels(x)
	case workspace.Logout:
		defer s.v3sessions.drop(key)
	case workspace.Decided:
		return s.v3Decided(x)
	}
	return s.v3Pass(x, body, 0)
}

// v3Exchange is one request on the door as it goes through.
type v3Exchange struct {
	c          echo.Context
	route      workspace.Route
	body       []byte // the request body, read whole (nil: none)
	sessionKey string
}

// session is the exchange's session state; nil for a request that carries
// no cookies.
func (s *Server) session(x *v3Exchange) *v3Session {
	if x.sessionKey == "" {
		return nil
	}
	return s.v3sessions.get(x.sessionKey)
}

// v3Body reads the request body whole within the body limit (413 over it,
// whatever the transfer encoding); nil when there is none.
func (s *Server) v3Body(c echo.Context) ([]byte, error) {
	r := c.Request()
	if r.Body == nil || r.Body == http.NoBody {
		return nil, nil
	}
	body, err := io.ReadAll(http.MaxBytesReader(c.Response(), r.Body, s.limits.MaxBodyBytes))
	var tooLarge *http.MaxBytesError
	if errors.As(err, &tooLarge) {
		return nil, wwe.Errorf(wwe.CodeRequestTooLarge, "request body over %d bytes", s.limits.MaxBodyBytes)
	}
	if err != nil {
		return nil, wwe.Errorf(wwe.CodeInvalidRequest, "the request body could not be read")
	}
	if len(body) == 0 {
		return nil, nil
	}
	return body, nil
}

// v3Pass forwards the exchange with body and relays GWS's reply, every
// userData in it filtered for the session. hold bounds the call (0: the
// upstream timeout).
func (s *Server) v3Pass(x *v3Exchange, body []byte, hold time.Duration) error {
	rep, err := s.v3Forward(x.c.Request().Context(), x.c.Request(), x.route.Method, x.route.Path, body, hold)
	if err != nil {
		return s.v3Failure(x.c, err)
	}
	return s.v3Answer(x, rep)
}

// v3Answer learns from GWS's reply and relays it with its user data
// filtered.
func (s *Server) v3Answer(x *v3Exchange, rep *v3Reply) error {
	s.v3Learn(x, rep)
	out, err := s.v3Readable(x, rep)
	if err != nil {
		return s.v3Failure(x.c, err)
	}
	return s.v3Relay(x.c, rep, out)
}

// v3Unknown answers a route Genesys' client does not define: 404, unless
// workspace.allowUnknownRoutes, and even then never with user data in it.
func (s *Server) v3Unknown(x *v3Exchange) error {
	if !s.v3.AllowUnknownRoutes {
		return s.v3Failure(x.c, wwe.Errorf(wwe.CodeNotFound, "no such Workspace API route"))
	}
	carries, err := workspace.CarriesUserData(x.body)
	if err != nil {
		return s.v3Failure(x.c, wwe.Errorf(wwe.CodeInvalidRequest, "%v", err))
	}
	if carries {
		return s.v3Failure(x.c, wwe.Errorf(wwe.CodeRequestNotAllowed, "user data on a route the guard does not know"))
	}
	return s.v3Pass(x, x.body, 0)
}
