package api

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/wwe-guard/wwe-guard/internal/wwe"
)

// routes lays out the whole HTTP surface (DESIGN.md §2.1).
func (s *Server) routes() *echo.Echo {
	e := echo.New()
	e.HideBanner, e.HidePort = true, true
	e.HTTPErrorHandler = s.httpErrorHandler
	e.Pre(s.headerLimits, s.cors)

	e.GET("/health", s.health)
	e.GET("/ready", s.ready)

	v1 := e.Group("/v1")
	v1.GET("/interactions", s.rest(wwe.OpGetInteractions))
	v1.GET("/interactions/:id", s.rest(wwe.OpGetByInteractionID))
	v1.PATCH("/interactions/:id/user-data", s.rest(wwe.OpSetUserData))
	v1.DELETE("/interactions/:id/user-data/:key", s.rest(wwe.OpDeleteUserData))
	v1.POST("/interactions/:id/markdone", s.rest(wwe.OpMarkDone))
	v1.PUT("/interactions/:id/markdone-block", s.rest(wwe.OpBlockMarkdone))
	v1.DELETE("/interactions/:id/markdone-block", s.rest(wwe.OpUnblockMarkdone))
	v1.POST("/cases/:caseId/select", s.rest(wwe.OpSelectCaseByCaseID))
	v1.POST("/interactions/:id/accept", s.rest(wwe.OpAccept))
	v1.POST("/interactions/:id/reject", s.rest(wwe.OpReject))
	v1.POST("/interactions/:id/consult", s.rest(wwe.OpConsult))
	v1.POST("/interactions/:id/single-step-transfer", s.rest(wwe.OpSingleStepTransfer))
	v1.POST("/interactions/:id/single-step-conference", s.rest(wwe.OpSingleStepConference))
	v1.POST("/interactions/:id/complete-transfer", s.rest(wwe.OpCompleteTransfer))
	v1.POST("/interactions/:id/complete-conference", s.rest(wwe.OpCompleteConference))
	v1.GET("/events", s.events)
	v1.POST("/scapi", s.scapi)
	return e
}

// rest is the handler of the REST route for op.
func (s *Server) rest(op wwe.Operation) echo.HandlerFunc {
	return func(c echo.Context) error {
		cl, err := s.bindREST(c, op)
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

// ready is readiness: policies compiled and the service reachable.
func (s *Server) ready(c echo.Context) error {
	if s.currentDecider() == nil {
		return restReply{}.failure(c, wwe.Errorf(wwe.CodeNotReady, "policies are not loaded yet"))
	}
	if err := s.svc.Ready(c.Request().Context()); err != nil {
		s.log.Warn("service not ready", "err", err)
		return restReply{}.failure(c, wwe.Errorf(wwe.CodeNotReady, "the interaction service is not reachable"))
	}
	return c.JSON(http.StatusOK, map[string]string{"status": "ready"})
}
