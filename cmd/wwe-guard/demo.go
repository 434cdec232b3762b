package main

import (
	"fmt"
	"io"
	"net"
	"strings"
)

// demoConfig is the configuration of `wwe-guard` with no --config: the
// embedded service with the demo seed, the bundled policies, SSN refused
// and markdone blocked until a disposition is set.
func demoConfig() config {
	cfg := defaultConfig()
	cfg.SCAPI.Demo = true
	cfg.Options = map[string]any{
		"service-client-api.user-data.write-allowed": "DispositionCode,Notes,CustomerSegment",
		"service-client-api.user-data.read-allowed":  "DispositionCode,Notes,CustomerSegment,Subject",
		"interaction.disposition.is-mandatory":       true,
	}
	return cfg
}

const demoLines = `
wwe-guard demo: the embedded service, the bundled policies, write-allowed
"DispositionCode,Notes,CustomerSegment", a disposition required before markdone.
Try:

  # an allowed write
  curl -s -X PATCH BASE/v1/interactions/1/user-data -H 'Content-Type: application/json' -d '{"Notes":"called back"}'
  # a refused key (403 USER_DATA_WRITE_NOT_ALLOWED)
  curl -s -X PATCH BASE/v1/interactions/1/user-data -H 'Content-Type: application/json' -d '{"SSN":"078-05-1120"}'
  # a blocked markdone (409 MARKDONE_BLOCKED)
  curl -s -X POST BASE/v1/interactions/1/markdone
  # set the disposition, then markdone succeeds
  curl -s -X PATCH BASE/v1/interactions/1/user-data -H 'Content-Type: application/json' -d '{"DispositionCode":"Sale"}'
  curl -s -X POST BASE/v1/interactions/1/markdone
  # the event stream
  curl -sN 'BASE/v1/events?subscribe=interaction,markdone'

In a browser, BASE/demo/ shows a CRM page calling the guard through the SCAPI relay.
`

// demoRelays are the origins the demo's own /demo/ page is browsed from:
// its listen address's port on the loopback names.
func demoRelays(addr string) []relayConfig {
	_, port, err := net.SplitHostPort(addr)
	if err != nil {
		return nil
	}
	var out []relayConfig
	for _, host := range []string{"127.0.0.1", "localhost", "[::1]"} {
		out = append(out, relayConfig{Origin: "http://" + host + ":" + port})
	}
	return out
}

func printDemo(w io.Writer, addr string) {
	fmt.Fprint(w, strings.ReplaceAll(demoLines, "BASE", "http://"+addr))
}
