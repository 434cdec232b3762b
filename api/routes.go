package api

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/wwe-guard/wwe-guard/internal/wwe"
)

// restRoutes is the REST door (DESIGN.md §2.1): every route below /v1, the
// operation it calls and its body. The reference service's HTTP client
// takes its requests from it too (RESTRequest).
var restRoutes = []restRoute{
	{http.MethodGet, "/interactions", wwe.OpGetInteractions, noBody},
	{http.MethodGet, "/interactions/:id", wwe.OpGetByInteractionID, noBody},
	{http.MethodPatch, "/interactions/:id/user-data", wwe.OpSetUserData, keyValuesBody},
	{http.MethodDelete, "/interactions/:id/user-data/:key", wwe.OpDeleteUserData, noBody},
	{http.MethodPost, "/interactions/:id/markdone", wwe.OpMarkDone, noBody},
	{http.MethodPut, "/interactions/:id/markdone-block", wwe.OpBlockMarkdone, objectBody(warningMessageField)},
	{http.MethodDelete, "/interactions/:id/markdone-block", wwe.OpUnblockMarkdone, noBody},
	{http.MethodPost, "/cases/:caseId/select", wwe.OpSelectCaseByCaseID, noBody},
	{http.MethodPost, "/interactions/:id/accept", wwe.OpAccept, noBody},
	{http.MethodPost, "/interactions/:id/reject", wwe.OpReject, noBody},
	{http.MethodPost, "/interactions/:id/consult", wwe.OpConsult, objectBody(targetField, userDataField, extensionsField)},
	{http.MethodPost, "/interactions/:id/single-step-transfer", wwe.OpSingleStepTransfer, objectBody(targetField, userDataField, extensionsField)},
	{http.MethodPost, "/interactions/:id/single-step-conference", wwe.OpSingleStepConference, objectBody(targetField, userDataField, extensionsField)},
	{http.MethodPost, "/interactions/:id/complete-transfer", wwe.OpCompleteTransfer, noBody},
	{http.MethodPost, "/interactions/:id/complete-conference", wwe.OpCompleteConference, noBody},
}

// scapiRequests is the SCAPI envelope door (DESIGN.md §2.2): the positional
// parameters of each request, interaction.<operation>.
var scapiRequests = map[wwe.Operation]scapiRequest{
	wwe.OpGetInteractions:      {wwe.OpGetInteractions, nil},
	wwe.OpGetByInteractionID:   {wwe.OpGetByInteractionID, []field{interactionIDField}},
	wwe.OpSetUserData:          {wwe.OpSetUserData, []field{interactionIDField, keyValuesField}},
	wwe.OpDeleteUserData:       {wwe.OpDeleteUserData, []field{interactionIDField, keyField}},
	wwe.OpMarkDone:             {wwe.OpMarkDone, []field{interactionIDField}},
	wwe.OpBlockMarkdone:        {wwe.OpBlockMarkdone, []field{interactionIDField, warningMessageField}},
	wwe.OpUnblockMarkdone:      {wwe.OpUnblockMarkdone, []field{interactionIDField}},
	wwe.OpSelectCaseByCaseID:   {wwe.OpSelectCaseByCaseID, []field{caseIDField}},
	wwe.OpAccept:               {wwe.OpAccept, []field{interactionIDField}},
	wwe.OpReject:               {wwe.OpReject, []field{interactionIDField}},
	wwe.OpConsult:              {wwe.OpConsult, []field{interactionIDField, targetField, userDataField, extensionsField}},
	wwe.OpSingleStepTransfer:   {wwe.OpSingleStepTransfer, []field{interactionIDField, targetField, userDataField, extensionsField}},
	wwe.OpSingleStepConference: {wwe.OpSingleStepConference, []field{interactionIDField, targetField, userDataField, extensionsField}},
	wwe.OpCompleteTransfer:     {wwe.OpCompleteTransfer, []field{interactionIDField}},
	wwe.OpCompleteConference:   {wwe.OpCompleteConference, []field{interactionIDField}},
}

// routes lays out the whole HTTP surface (DESIGN.md §2.1): the tables above,
// the event stream, the SCAPI doors (envelope and socket), the relay script,
// the demo's pages and the probes.
func (s *Server) routes() *echo.Echo {
	e := echo.New()
	e.HideBanner, e.HidePort = true, true
	e.HTTPErrorHandler = s.httpErrorHandler
	e.Pre(s.headerLimits, s.cors, s.authenticate)

	e.GET("/health", s.health)
	e.GET("/ready", s.ready)

	v1 := e.Group("/v1")
	if s.v3 != nil {
		e.Any("/workspace/v3/*", s.v3Door)
		e.Any("/auth/v3/*", s.v3Door)
		// The /v1 and SCAPI doors do not translate into Workspace API v3
		// calls yet (DESIGN.md §8).
		for _, r := range restRoutes {
			v1.Add(r.method, r.path, s.notImplemented)
		}
		v1.GET("/events", s.notImplemented)
		v1.POST("/scapi", s.notImplemented)
		v1.GET("/scapi/ws", s.notImplemented)
		return e
	}
	for _, r := range restRoutes {
		v1.Add(r.method, r.path, s.rest(r))
	}
	v1.GET("/events", s.events)
	v1.POST("/scapi", s.scapi)
	v1.GET("/scapi/ws", s.scapiSocket)
	v1.GET("/scapi/relay.js", s.relayScript)
	if s.demo {
		e.GET(demoPath+"*", demoPages())
		e.GET("/demo", func(c echo.Context) error { return c.Redirect(http.StatusFound, demoPath) })
	}
	if s.tokens != nil {
		v1.POST("/scapi/token", s.sessionToken)
	}
	return e
}

// notImplemented answers a /v1 or SCAPI call in front of a Workspace API v3
// upstream; a SCAPI envelope gets its referenceId back when it has one.
func (s *Server) notImplemented(c echo.Context) error {
	e := ErrNotTranslated()
	if c.Path() == "/v1/scapi" {
		_, reply, _ := s.bindSCAPI(c)
		return s.fail(c, reply, e)
	}
	return s.fail(c, restReply{}, e)
}

// rest is the handler of the REST route r.
func (s *Server) rest(r restRoute) echo.HandlerFunc {
	return func(c echo.Context) error {
		cl, err := s.bindREST(c, r)
		if err != nil {
			return s.fail(c, restReply{}, err)
		}
		return s.process(c, cl, restReply{})
	}
}

// scapi is the SCAPI envelope door: POST /v1/scapi.
func (s *Server) scapi(c echo.Context) error {
	cl, reply, err := s.bindSCAPI(c)
	if err != nil {
		return s.fail(c, reply, err)
	}
	return s.process(c, cl, reply)
}

// health is liveness: the process answers.
func (s *Server) health(c echo.Context) error {
	return c.JSON(http.StatusOK, map[string]string{"status": "ok"})
}

// ready is readiness: not shutting down, policies compiled and the service
// reachable.
func (s *Server) ready(c echo.Context) error {
	if s.draining.Load() {
		return restReply{}.failure(c, wwe.Errorf(wwe.CodeNotReady, "the guard is shutting down"))
	}
	if s.currentDecider() == nil {
		return restReply{}.failure(c, wwe.Errorf(wwe.CodeNotReady, "policies are not loaded yet"))
	}
	if s.auth != nil {
		if err := s.auth.Ready(); err != nil {
			s.log.Warn("caller authentication not ready", "err", err)
			return restReply{}.failure(c, wwe.Errorf(wwe.CodeNotReady, "caller authentication is not ready"))
		}
	}
	if err := s.svc.Ready(c.Request().Context()); err != nil {
		s.log.Warn("service not ready", "err", err)
		return restReply{}.failure(c, wwe.Errorf(wwe.CodeNotReady, "the interaction service is not reachable"))
	}
	if b, ok := s.currentDecider().(interface{ Bundles() map[string]string }); ok && len(b.Bundles()) > 0 {
		return c.JSON(http.StatusOK, map[string]any{"status": "ready", "bundles": b.Bundles()})
	}
	return c.JSON(http.StatusOK, map[string]string{"status": "ready"})
}
