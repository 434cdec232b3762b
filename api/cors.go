package api

import (
	"net/http"
	"slices"

	"github.com/labstack/echo/v4"

	"github.com/wwe-guard/wwe-guard/internal/wwe"
)

// CORS answers for browser callers (CRM pages call the guard straight from
// the browser).
const (
	corsExposeHeaders = headerDecisionID + ", " + headerDeniedKeys + ", Retry-After"
	corsMaxAge        = "600"
)

// corsRule is how one door answers CORS.
type corsRule struct {
	admits      func(d Decider, origin string) bool
	methods     string
	headers     string
	credentials bool
	fail        func(c echo.Context, err error) error
}

// corsRules are the doors' CORS rules, built once: the /v1 and SCAPI doors
// admit the origins the policies admit. The Workspace API v3 door carries
// the agent's GWS session in cookies, so an admitted page may read what GWS
// answers the agent: GWS itself reflects any origin, the door admits only
// those accepted-web-content-origins names one by one (never through "*",
// none while it is unset), with credentials.
func (s *Server) corsRules() (v1, v3 corsRule) {
	v3 = corsRule{
		admits:      func(d Decider, origin string) bool { return slices.Contains(d.AdmittedOrigins().List, origin) },
		methods:     "GET, POST, OPTIONS",
		headers:     "Content-Type, Authorization, x-api-key, X-Requested-With, Accept",
		credentials: true,
		fail:        s.v3Failure,
	}
	v1 = corsRule{
		admits:  func(d Decider, origin string) bool { return d.AdmittedOrigins().Admits(origin) },
		methods: "GET, POST, PUT, PATCH, DELETE",
		headers: "Content-Type, Authorization",
		fail:    func(c echo.Context, err error) error { return s.fail(c, restReply{}, err) },
	}
	return v1, v3
}

// cors sets Access-Control-Allow-Origin for the origins the door admits and
// answers preflights before routing. Whether an admitted origin may make
// the request itself is still the policies' decision.
func (s *Server) cors(next echo.HandlerFunc) echo.HandlerFunc {
	v1, v3 := s.corsRules()
	return func(c echo.Context) error {
		r := c.Request()
		rule := &v1
		if s.v3 != nil && isV3Path(r.URL.Path) {
			rule = &v3
		}
		origin := r.Header.Get(echo.HeaderOrigin)
		h := c.Response().Header()
		preflight := r.Method == http.MethodOptions && r.Header.Get(echo.HeaderAccessControlRequestMethod) != ""
		if origin == "" {
			if preflight {
				return rule.fail(c, invalid("a preflight request needs an Origin"))
			}
			return next(c)
		}
		h.Add(echo.HeaderVary, echo.HeaderOrigin)
		d := s.currentDecider()
		if d == nil || !rule.admits(d, origin) {
			if preflight {
				return rule.fail(c, wwe.Errorf(wwe.CodeRequestNotAllowed, "origin %q is not accepted", origin))
			}
			return next(c)
		}
		h.Set(echo.HeaderAccessControlAllowOrigin, origin)
		if rule.credentials {
			h.Set(echo.HeaderAccessControlAllowCredentials, "true")
		}
		h.Set(echo.HeaderAccessControlExposeHeaders, corsExposeHeaders)
		if !preflight {
			return next(c)
		}
		h.Set(echo.HeaderAccessControlAllowMethods, rule.methods)
		h.Set(echo.HeaderAccessControlAllowHeaders, rule.headers)
		h.Set(echo.HeaderAccessControlMaxAge, corsMaxAge)
		return c.NoContent(http.StatusNoContent)
	}
}
