# service-client-api.accepted-web-content-origins: the origins that may use the
# API, each with an optional filter of the requests it may make.
package wwe.access

import data.wwe.config

origins_option := "service-client-api.accepted-web-content-origins"

# origins_set holds when the option is configured; without it there is no
# origin filtering.
origins_set if config.is_set(origins_option)

# entries is the parsed option: [{"origin": o, "patterns": [...] or null}].
entries := [entry |
	some raw in regex.find_n(`[^,(]+(\([^)]*\))?`, config.option(origins_option), -1)
	entry := parse_entry(trim_space(raw))
	entry.origin != ""
]

parse_entry(raw) := {"origin": trim_space(substring(raw, 0, i)), "patterns": patterns(substring(raw, i + 1, -1))} if {
	i := indexof(raw, "(")
	i >= 0
} else := {"origin": raw, "patterns": null}

patterns(inner) := [p |
	some p in regex.split(`[\s,]+`, trim_right(inner, ")"))
	p != ""
]

caller_origin := object.get(input.caller, "origin", null)

origin_matches(entry) if entry.origin == "*"

origin_matches(entry) if entry.origin == caller_origin

request_matches(entry) if entry.patterns == null

request_matches(entry) if {
	some p in entry.patterns
	pattern_matches(p, input.request)
}

pattern_matches("*", _)

pattern_matches(p, request) if {
	endswith(p, ".*")
	startswith(request, trim_suffix(p, "*"))
}

pattern_matches(p, request) if p == request

listed if {
	some entry in entries
	origin_matches(entry)
}

admitted if {
	some entry in entries
	origin_matches(entry)
	request_matches(entry)
}

shown_origin := caller_origin if caller_origin != null

else := ""

# METADATA
# title: Accepted web content origins
# description: |
#   With service-client-api.accepted-web-content-origins set, refuses a
#   caller whose origin it does not list.
# labels:
#   code: ORIGIN_NOT_ACCEPTED
#   control: service-client-api.accepted-web-content-origins
deny contains {
	"code": "ORIGIN_NOT_ACCEPTED",
	"message": sprintf("origin %q is not in %s", [shown_origin, origins_option]),
} if {
	origins_set
	not listed
	config.scapi_door
}

# METADATA
# title: Request filter of an accepted origin
# description: |
#   Refuses a request that the bracketed filter of the caller's entry in
#   service-client-api.accepted-web-content-origins does not admit.
# labels:
#   code: REQUEST_NOT_ACCEPTED
#   control: service-client-api.accepted-web-content-origins
deny contains {
	"code": "REQUEST_NOT_ACCEPTED",
	"message": sprintf("origin %q may not call %s", [shown_origin, input.request]),
} if {
	origins_set
	listed
	not admitted
	config.scapi_door
}

# admitted_origins tells the guard's CORS layer which browser origins to answer.
default admitted_origins := {"any": true, "origins": []}

admitted_origins := {
	"any": some_entry_any,
	"origins": sort({e.origin | some e in entries; e.origin != "*"}),
} if origins_set

some_entry_any if {
	some e in entries
	e.origin == "*"
}

else := false
