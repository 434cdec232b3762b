package wwe.access_test

import data.wwe.access

origins := {"service-client-api.accepted-web-content-origins": "https://crm (interaction.*), https://kb (interaction.getInteractions, interaction.getByInteractionId), https://open"}

deny_codes(opts, origin, request) := {d.code |
	some d in access.deny with input as {"request": request, "caller": {"origin": origin}} with data.wwe.options as opts
}

test_deny_none_when_unset if {
	deny_codes({}, null, "interaction.setUserData") == set()
}

test_deny_listed_origin_with_namespace_filter if {
	deny_codes(origins, "https://crm", "interaction.setUserData") == set()
}

test_deny_filter_with_several_patterns if {
	deny_codes(origins, "https://kb", "interaction.getByInteractionId") == set()
	deny_codes(origins, "https://kb", "interaction.setUserData") == {"REQUEST_NOT_ACCEPTED"}
}

test_deny_origin_without_filter if {
	deny_codes(origins, "https://open", "interaction.markdone") == set()
}

test_deny_unlisted_and_missing_origin if {
	deny_codes(origins, "https://evil", "interaction.getInteractions") == {"ORIGIN_NOT_ACCEPTED"}
	deny_codes(origins, null, "interaction.getInteractions") == {"ORIGIN_NOT_ACCEPTED"}
	deny_codes(origins, "https://CRM", "interaction.getInteractions") == {"ORIGIN_NOT_ACCEPTED"}
}

test_deny_star_origin_and_star_pattern if {
	deny_codes({"service-client-api.accepted-web-content-origins": "* (interaction.getInteractions)"}, null, "interaction.getInteractions") == set()
	deny_codes({"service-client-api.accepted-web-content-origins": "* (interaction.getInteractions)"}, "https://x", "interaction.markdone") == {"REQUEST_NOT_ACCEPTED"}
	deny_codes({"service-client-api.accepted-web-content-origins": "https://x (*)"}, "https://x", "interaction.markdone") == set()
}

test_deny_empty_value_admits_nothing if {
	deny_codes({"service-client-api.accepted-web-content-origins": ""}, "https://crm", "interaction.markdone") == {"ORIGIN_NOT_ACCEPTED"}
}

test_admitted_origins_unset_is_any if {
	access.admitted_origins == {"any": true, "origins": []} with data.wwe.options as {}
}

test_admitted_origins_listed if {
	access.admitted_origins == {"any": false, "origins": ["https://crm", "https://kb", "https://open"]} with data.wwe.options as origins
}

test_admitted_origins_star if {
	a := access.admitted_origins with data.wwe.options as {"service-client-api.accepted-web-content-origins": "https://a, *"}
	a.any
	a.origins == ["https://a"]
}

# Origin filters name SCAPI requests: the Workspace API v3 door, whose caller
# GWS authenticates, is not filtered; the v1 and scapi doors are.
test_deny_origins_only_on_scapi_doors if {
	workspace := {"door": "workspace", "request": "workspace.voice.update-user-data", "caller": {"origin": "https://evil"}}
	count(access.deny) == 0 with input as workspace with data.wwe.options as origins
	every door in ["v1", "scapi"] {
		scapi := {"door": door, "request": "interaction.setUserData", "caller": {"origin": "https://evil"}}
		{d.code | some d in access.deny} == {"ORIGIN_NOT_ACCEPTED"} with input as scapi with data.wwe.options as origins
	}
}
