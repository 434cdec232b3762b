package api

import (
	"net/http"

	"github.com/labstack/echo/v4"
)

// Header limits (DESIGN.md §2.3), checked before any other work. Go's own
// bound (serve.MaxHeaderBytes) sits above them as a last resort.
const (
	maxHeaderBytes = 32 << 10 // every header line of a request together
	maxOriginBytes = 512      // the Origin header
)

// headerLimits refuses a request whose headers are over the guard's limits,
// or that names more than one Origin, in the one error shape.
func (s *Server) headerLimits(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		if err := checkHeaders(c.Request().Header); err != nil {
			return s.fail(c, restReply{}, err)
		}
		return next(c)
	}
}

func checkHeaders(h http.Header) error {
	origins := h.Values(echo.HeaderOrigin)
	switch {
	case len(origins) > 1:
		return invalid("a request may carry one Origin header")
	case len(origins) == 1 && len(origins[0]) > maxOriginBytes:
		return invalid("the Origin header is longer than %d bytes", maxOriginBytes)
	}
	total := 0
	for name, values := range h {
		for _, v := range values {
			total += len(name) + len(v) + len(": \r\n")
		}
	}
	if total > maxHeaderBytes {
		return invalid("the request headers are larger than %d bytes", maxHeaderBytes)
	}
	return nil
}
