package api

import (
	"errors"
	"io"
	"net/http"
	"strings"

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
	if enc := r.Header.Get("Content-Encoding"); enc != "" && !strings.EqualFold(enc, "identity") {
		return s.v3Failure(c, wwe.Errorf(wwe.CodeUnsupportedMediaType, "request bodies are read as sent: no Content-Encoding"))
	}
	x := &v3Exchange{c: c, route: route, body: body, sessionKey: key}
	if err := v3NoSmuggledUserData(x); err != nil {
		return s.v3Failure(c, err)
	}
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
	return s.v3Pass(x, v3Call{method: route.Method, path: route.Path, body: body})
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
	body, err := io.ReadAll(http.MaxBytesReader(c.Response(), r.Body, s.lim().MaxBodyBytes))
	var tooLarge *http.MaxBytesError
	if errors.As(err, &tooLarge) {
		return nil, wwe.Errorf(wwe.CodeRequestTooLarge, "request body over %d bytes", s.lim().MaxBodyBytes)
	}
	if err != nil {
		return nil, wwe.Errorf(wwe.CodeInvalidRequest, "the request body could not be read")
	}
	if len(body) == 0 {
		return nil, nil
	}
	return body, nil
}

// v3Pass forwards call for the exchange and relays GWS's reply, every
// userData in it filtered for the session.
func (s *Server) v3Pass(x *v3Exchange, call v3Call) error {
	rep, err := s.v3Forward(x.c.Request().Context(), x.c.Request(), call)
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
	return s.v3Pass(x, v3Call{method: x.route.Method, path: x.route.Path, body: x.body})
}

// v3NoSmuggledUserData refuses a JSON body that names user data on a call of
// an interaction that Genesys' client sends without any (answer, hold,
// accept, ...): GWS might apply a member its client never sends, and the
// door decides only the routes whose user data it knows. Bodies of other
// media types (a multipart attachment) are GWS's to read.
func v3NoSmuggledUserData(x *v3Exchange) error {
	if x.route.Kind != workspace.PassThrough || x.body == nil || !isInteractionCall(x.route.Path) {
		return nil
	}
	ct := x.c.Request().Header.Get(echo.HeaderContentType)
	if ct != "" && !strings.Contains(strings.ToLower(ct), "json") {
		return nil
	}
	carries, err := workspace.CarriesUserData(x.body)
	if err != nil {
		return wwe.Errorf(wwe.CodeInvalidRequest, "%v", err)
	}
	if carries {
		return wwe.Errorf(wwe.CodeRequestNotAllowed, "%s carries no user data", v3RequestName(x.route))
	}
	return nil
}

// isInteractionCall reports whether path is a call on calls or media
// interactions.
func isInteractionCall(path string) bool {
	for _, prefix := range []string{"/voice/", "/media/", "/media-management/"} {
		if strings.HasPrefix(path, workspace.BasePath+prefix) {
			return true
		}
	}
	return false
}
