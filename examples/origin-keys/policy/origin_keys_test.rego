package wwe.examples.origin_keys_test

import data.wwe.userdata

write(origin, op, key) := {
	"operation": "setUserData",
	"request": "interaction.setUserData",
	"writes": [{"op": op, "key": key, "value": "x"}],
	"caller": {"origin": origin},
}

verdict(origin, op, key) := "refused" if {
	some d in userdata.deny with input as write(origin, op, key) with data.wwe.options as {}
	d.code == "ORIGIN_KEY_NOT_ALLOWED"
} else := "allowed"

# The key sets of data.json, one case per origin and key.
cases := [
	{"origin": "https://crm.example", "op": "set", "key": "DispositionCode", "want": "allowed"},
	{"origin": "https://crm.example", "op": "set", "key": "Notes", "want": "allowed"},
	{"origin": "https://crm.example", "op": "delete", "key": "Notes", "want": "allowed"},
	{"origin": "https://crm.example", "op": "set", "key": "CustomerSegment", "want": "refused"},
	{"origin": "https://crm.example", "op": "set", "key": "notes", "want": "refused"},
	{"origin": "https://kb.example", "op": "set", "key": "Notes", "want": "allowed"},
	{"origin": "https://kb.example", "op": "set", "key": "DispositionCode", "want": "refused"},
	{"origin": "https://kb.example", "op": "delete", "key": "DispositionCode", "want": "refused"},
	{"origin": "https://crm.example.evil", "op": "set", "key": "Notes", "want": "refused"},
	{"origin": "http://crm.example", "op": "set", "key": "Notes", "want": "refused"},
	{"origin": null, "op": "set", "key": "Notes", "want": "refused"},
]

test_deny_origin_key_cases if {
	every c in cases {
		verdict(c.origin, c.op, c.key) == c.want
	}
}

test_deny_names_origin_and_key if {
	d := userdata.deny with input as write("https://kb.example", "set", "DispositionCode") with data.wwe.options as {}
	d == {{
		"key": "DispositionCode",
		"code": "ORIGIN_KEY_NOT_ALLOWED",
		"message": "origin \"https://kb.example\" may not write user data key \"DispositionCode\"",
	}}
}

test_deny_without_origin_refuses_every_key if {
	d := userdata.deny with input as {"writes": [{"op": "set", "key": "Notes", "value": "x"}, {"op": "delete", "key": "A"}]}
		with data.wwe.options as {}
	d == {
		{"key": "Notes", "code": "ORIGIN_KEY_NOT_ALLOWED", "message": "origin (none) may not write user data key \"Notes\""},
		{"key": "A", "code": "ORIGIN_KEY_NOT_ALLOWED", "message": "origin (none) may not write user data key \"A\""},
	}
}

test_deny_follows_the_data_so_a_new_origin_is_a_data_change if {
	keys := {"https://survey.example": ["SurveyScore"], "https://ops.example": ["*"]}
	verdict("https://survey.example", "set", "SurveyScore") == "allowed" with data.wwe.examples.origin_keys as keys
	verdict("https://survey.example", "set", "Notes") == "refused" with data.wwe.examples.origin_keys as keys
	verdict("https://ops.example", "delete", "AnyKey") == "allowed" with data.wwe.examples.origin_keys as keys
	verdict("https://crm.example", "set", "Notes") == "refused" with data.wwe.examples.origin_keys as keys
}

test_deny_adds_to_write_allowed if {
	d := data.wwe.guard.decision with input as write("https://kb.example", "set", "Secret")
		with data.wwe.options as {"service-client-api.user-data.write-allowed": "Notes"}
	d.deniedKeys == ["Secret"]
	{r.code | some r in d.reasons} == {"WRITE_ALLOWED", "ORIGIN_KEY_NOT_ALLOWED"}
}
