package api

import (
	"embed"
	"io/fs"
	"net/http"

	"github.com/labstack/echo/v4"
)

// The browser side of the SCAPI message channel (DESIGN.md §2.5): the relay
// script and the demo's pages.
const (
	relayScriptPath = "/v1/scapi/relay.js"
	demoPath        = "/demo/"
)

//go:embed web/relay.js web/demo
var web embed.FS

// relayScript serves the relay a host page includes.
func (s *Server) relayScript(c echo.Context) error {
	b, err := web.ReadFile("web/relay.js")
	if err != nil {
		return err
	}
	c.Response().Header().Set(echo.HeaderCacheControl, "no-cache")
	return c.Blob(http.StatusOK, "text/javascript; charset=utf-8", b)
}

// demoPages serves the demo's host page and its CRM frame below /demo/.
func demoPages() echo.HandlerFunc {
	pages, err := fs.Sub(web, "web/demo")
	if err != nil {
		panic(err) // the embedded tree is fixed at build time
	}
	files := http.StripPrefix(demoPath, http.FileServer(http.FS(pages)))
	return echo.WrapHandler(files)
}
