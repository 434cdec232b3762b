package wwe.examples.application_keys_test

import data.wwe.userdata

write(application, op, key) := {
	"operation": "setUserData",
	"request": "interaction.setUserData",
	"writes": [{"op": op, "key": key, "value": "x"}],
	"caller": {"origin": null, "application": application},
}

verdict(application, op, key) := "refused" if {
	some d in userdata.deny with input as write(application, op, key) with data.wwe.options as {}
	d.code == "APPLICATION_KEY_NOT_ALLOWED"
} else := "allowed"

cases := [
	{"application": "ivr", "op": "set", "key": "IVR_Path", "want": "allowed"},
	{"application": "ivr", "op": "delete", "key": "IVR_Language", "want": "allowed"},
	{"application": "ivr", "op": "set", "key": "DispositionCode", "want": "refused"},
	{"application": "ivr", "op": "delete", "key": "DispositionCode", "want": "refused"},
	{"application": "ivr", "op": "set", "key": "ivr_path", "want": "refused"},
	{"application": "crm", "op": "set", "key": "DispositionCode", "want": "allowed"},
	{"application": null, "op": "set", "key": "DispositionCode", "want": "allowed"},
]

test_keys_by_application if {
	every c in cases {
		verdict(c.application, c.op, c.key) == c.want
	}
}

test_message_names_the_key if {
	some d in userdata.deny with input as write("ivr", "set", "Notes") with data.wwe.options as {}
	d.key == "Notes"
	contains(d.message, `"Notes"`)
}
