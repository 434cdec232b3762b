package api

import (
	"encoding/json"
	"errors"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/wwe-guard/wwe-guard/internal/wwe"
)

// v3 status codes of the door's own answers.
const (
	v3CodeRefused       = 3 // a refusal or a failure of the guard, with the §2.3 fields
	v3CodeUpstreamError = 4 // GWS answered an error the door does not relay as it is
)

// v3Failure answers e in v3's envelope: {"status":{"code":3,"message":…}}
// plus the §2.3 fields, with the §2.3 status.
func (s *Server) v3Failure(c echo.Context, err error) error {
	var e *wwe.Error
	if !errors.As(err, &e) {
		s.log.Warn("workspace door: GWS unreachable", "path", c.Request().URL.Path, "err", err)
		e = wwe.Errorf(wwe.CodeServiceUnavailable, "the Workspace API service could not be reached")
	}
	body := struct {
		Status struct {
			Code    int    `json:"code"`
			Message string `json:"message"`
		} `json:"status"`
		*wwe.Error
	}{Error: e}
	body.Status.Code, body.Status.Message = v3CodeRefused, e.Message
	s.refused(e.Code)
	if e.RetryAfter > 0 {
		c.Response().Header().Set("Retry-After", strconv.Itoa(e.RetryAfter))
	}
	return c.JSON(e.Code.Status(), body)
}

// v3Relay answers with GWS's reply: its status, its end-to-end headers with
// cookies and redirects rewritten for the client, and body (the filtered
// body). An error reply that is not JSON keeps its status with a body
// Genesys' client can read; GWS's own text goes only to the log.
func (s *Server) v3Relay(c echo.Context, rep *v3Reply, body []byte) error {
	h := c.Response().Header()
	for k, vs := range rep.header {
		switch {
		case isHop(k), strings.HasPrefix(k, "Access-Control-"), k == "Content-Encoding", k == "Set-Cookie", k == "Location":
			continue
		}
		h[k] = append([]string(nil), vs...)
	}
	public := s.publicBase(c.Request())
	for _, line := range rep.header.Values("Set-Cookie") {
		if out, ok := s.v3Cookie(line, public); ok {
			h.Add("Set-Cookie", out)
		}
	}
	if loc := rep.header.Get("Location"); loc != "" {
		h.Set("Location", s.v3Location(loc, public))
	}
	if rep.status >= http.StatusBadRequest && !json.Valid(body) {
		s.log.Warn("workspace door: GWS error", "path", c.Request().URL.Path, "status", rep.status, "body", truncate(body, 512))
		h.Set(echo.HeaderContentType, echo.MIMEApplicationJSON)
		body = []byte(`{"status":{"code":4,"message":"upstream error"}}`)
	}
	return c.Blob(rep.status, h.Get(echo.HeaderContentType), body)
}

// v3Cookie rewrites one Set-Cookie line of GWS for the client: host-only
// (no Domain), and without Secure when the guard is reached over plain
// http, so the session survives in development. A line Go cannot parse is
// dropped.
func (s *Server) v3Cookie(line string, public *url.URL) (string, bool) {
	ck, err := http.ParseSetCookie(line)
	if err != nil {
		s.log.Warn("workspace door: dropped a Set-Cookie GWS sent", "err", err)
		return "", false
	}
	ck.Domain = ""
	if public.Scheme == "http" {
		ck.Secure = false
	}
	out := ck.String()
	return out, out != ""
}

// v3Location rewrites a redirect that points at GWS so that it points at
// the guard: Genesys' client follows redirects and re-sends its cookies,
// x-api-key and (on 307/308) the body, so none may lead past the guard.
// A redirect elsewhere (the application's own redirect_uri) is kept.
func (s *Server) v3Location(loc string, public *url.URL) string {
	up := s.v3.Upstream
	target, err := up.Parse(loc)
	if err != nil {
		return public.String() + "/"
	}
	if !strings.EqualFold(target.Host, up.Host) || !strings.EqualFold(target.Scheme, up.Scheme) {
		return loc
	}
	out := *target
	out.Scheme, out.Host, out.User = public.Scheme, public.Host, nil
	rest := strings.TrimPrefix(target.Path, strings.TrimRight(up.Path, "/"))
	out.Path = strings.TrimRight(public.Path, "/") + rest
	out.RawPath = ""
	return out.String()
}

func truncate(b []byte, n int) string {
	if len(b) > n {
		return string(b[:n]) + "…"
	}
	return string(b)
}
