package api

import (
	"net/http"
	"slices"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/wwe-guard/wwe-guard/internal/wwe"
)

// CORS on the Workspace API v3 door: the agent's GWS session rides on
// cookies, so an admitted page may read what GWS answers the agent. GWS
// itself reflects any origin; the door admits only the origins that
// accepted-web-content-origins names one by one (never through "*", and
// none while it is unset), and answers preflights itself.
const (
	v3CORSMethods = "GET, POST, OPTIONS"
	v3CORSHeaders = "Content-Type, Authorization, x-api-key, X-Requested-With, Accept"
)

// isV3Path reports whether a request goes to the Workspace API v3 door.
func isV3Path(path string) bool {
	return strings.HasPrefix(path, "/workspace/") || strings.HasPrefix(path, "/auth/")
}

// v3CORS answers CORS for the door; next handles the request itself.
func (s *Server) v3CORS(c echo.Context, next echo.HandlerFunc) error {
	r := c.Request()
	origin := r.Header.Get(echo.HeaderOrigin)
	preflight := r.Method == http.MethodOptions && r.Header.Get(echo.HeaderAccessControlRequestMethod) != ""
	if origin == "" {
		if preflight {
			return s.v3Failure(c, invalid("a preflight request needs an Origin"))
		}
		return next(c)
	}
	h := c.Response().Header()
	h.Add(echo.HeaderVary, echo.HeaderOrigin)
	d := s.currentDecider()
	if d == nil || !slices.Contains(d.AdmittedOrigins().List, origin) {
		if preflight {
			return s.v3Failure(c, wwe.Errorf(wwe.CodeRequestNotAllowed, "origin %q is not accepted", origin))
		}
		return next(c)
	}
	h.Set(echo.HeaderAccessControlAllowOrigin, origin)
	h.Set(echo.HeaderAccessControlAllowCredentials, "true")
	h.Set(echo.HeaderAccessControlExposeHeaders, corsExposeHeaders)
	if !preflight {
		return next(c)
	}
	h.Set(echo.HeaderAccessControlAllowMethods, v3CORSMethods)
	h.Set(echo.HeaderAccessControlAllowHeaders, v3CORSHeaders)
	h.Set(echo.HeaderAccessControlMaxAge, corsMaxAge)
	return c.NoContent(http.StatusNoContent)
}
