package api

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/wwe-guard/wwe-guard/internal/wwe"
)

// CORS answers for browser callers (CRM pages call the guard straight from
// the browser).
const (
	corsMethods       = "GET, POST, PUT, PATCH, DELETE"
	corsHeaders       = "Content-Type, Authorization"
	corsExposeHeaders = headerDecisionID + ", " + headerDeniedKeys + ", Retry-After"
	corsMaxAge        = "600"
)

// cors sets Access-Control-Allow-Origin for the origins the policies admit
// and answers preflights before routing. Whether an admitted origin may make
// the request itself is still the policies' decision.
func (s *Server) cors(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		r := c.Request()
		if s.v3 != nil && isV3Path(r.URL.Path) {
			return s.v3CORS(c, next)
		}
		origin := r.Header.Get(echo.HeaderOrigin)
		h := c.Response().Header()
		preflight := r.Method == http.MethodOptions && r.Header.Get(echo.HeaderAccessControlRequestMethod) != ""
		if origin == "" {
			if preflight {
				return s.fail(c, restReply{}, invalid("a preflight request needs an Origin"))
			}
			return next(c)
		}
		h.Add(echo.HeaderVary, echo.HeaderOrigin)
		d := s.currentDecider()
		if d == nil || !d.AdmittedOrigins().Admits(origin) {
			if preflight {
				return s.fail(c, restReply{}, wwe.Errorf(wwe.CodeRequestNotAllowed, "origin %q is not accepted", origin))
			}
			return next(c)
		}
		h.Set(echo.HeaderAccessControlAllowOrigin, origin)
		h.Set(echo.HeaderAccessControlExposeHeaders, corsExposeHeaders)
		if !preflight {
			return next(c)
		}
		h.Set(echo.HeaderAccessControlAllowMethods, corsMethods)
		h.Set(echo.HeaderAccessControlAllowHeaders, corsHeaders)
		h.Set(echo.HeaderAccessControlMaxAge, corsMaxAge)
		return c.NoContent(http.StatusNoContent)
	}
}
