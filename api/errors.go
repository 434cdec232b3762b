package api

import (
	"errors"
	"log/slog"
	"net/http"
	"strconv"

	"github.com/labstack/echo/v4"

	"github.com/wwe-guard/wwe-guard/internal/wwe"
)

// replier answers a call on the door it came through.
type replier interface {
	result(c echo.Context, status int, v any) error
	failure(c echo.Context, e *wwe.Error) error
}

// restReply answers with the bare value or the error document.
type restReply struct{}

func (restReply) result(c echo.Context, status int, v any) error {
	if status == http.StatusNoContent {
		return c.NoContent(status)
	}
	if it, ok := v.(*wwe.Interaction); ok && it != nil {
		if it.Revision().Known() {
			c.Response().Header().Set("ETag", it.Revision().ETag())
		}
		// Its own encoding, as it is: through encoding/json the output
		// of a MarshalJSON is parsed and compacted once more.
		body, err := it.MarshalJSON()
		if err != nil {
			return err
		}
		return c.JSONBlob(status, body)
	}
	return c.JSON(status, v)
}

func (restReply) failure(c echo.Context, e *wwe.Error) error {
	return c.JSON(e.Code.Status(), e)
}

// fail answers err on rp. An error that is not a *wwe.Error came from
// talking to the service; one that wraps a *wwe.Error carries detail beyond
// it (what the service said, why a call failed). That detail is logged and
// never sent: the client gets only the *wwe.Error.
func (s *Server) fail(c echo.Context, rp replier, err error) error {
	var e *wwe.Error
	switch {
	case !errors.As(err, &e):
		s.log.Error("service call failed", "path", c.Path(), "err", err)
		e = wwe.Errorf(wwe.CodeServiceUnavailable, "the interaction service could not be reached")
	case err != error(e):
		level := slog.LevelInfo
		if e.Code.Status() >= http.StatusInternalServerError {
			level = slog.LevelError
		}
		s.log.Log(c.Request().Context(), level, "call failed", "path", c.Path(), "errorCode", e.Code, "err", err)
	}
	s.refused(e.Code)
	if e.RetryAfter > 0 {
		c.Response().Header().Set("Retry-After", strconv.Itoa(e.RetryAfter))
	}
	if e.DecisionID != "" {
		c.Response().Header().Set(headerDecisionID, e.DecisionID)
	}
	return rp.failure(c, e)
}

// httpErrorHandler answers what Echo itself refuses (unknown routes and
// methods) in the one error shape.
func (s *Server) httpErrorHandler(err error, c echo.Context) {
	if c.Response().Committed {
		return
	}
	e := wwe.Errorf(wwe.CodeNotFound, "no such route")
	var he *echo.HTTPError
	if errors.As(err, &he) {
		switch he.Code {
		case http.StatusNotFound:
		case http.StatusMethodNotAllowed:
			e = wwe.Errorf(wwe.CodeMethodNotAllowed, "method not allowed on this route")
		case http.StatusRequestEntityTooLarge:
			e = tooLarge(s.lim().MaxBodyBytes)
		default:
			s.log.Error("request failed", "err", err)
			e = wwe.Errorf(wwe.CodeInvalidRequest, "request could not be handled")
		}
	} else {
		s.log.Error("request failed", "err", err)
		e = wwe.Errorf(wwe.CodeServiceUnavailable, "request could not be handled")
	}
	s.refused(e.Code)
	_ = restReply{}.failure(c, e)
}
