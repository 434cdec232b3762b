package wwe.examples.disposition_freeze_test

import data.wwe.guard
import data.wwe.userdata

write(user_data, op, key) := {
	"operation": "setUserData",
	"request": "interaction.setUserData",
	"interaction": {"interactionId": "1", "userData": user_data},
	"writes": [{"op": op, "key": key, "value": "Sale"}],
}

test_deny_overwriting_a_disposition if {
	d := userdata.deny with input as write({"DispositionCode": "Callback"}, "set", "DispositionCode")
		with data.wwe.options as {}
	d == {{
		"key": "DispositionCode",
		"code": "DISPOSITION_FROZEN",
		"message": "DispositionCode is already set on this interaction and may not be changed",
	}}
}

test_deny_deleting_a_disposition if {
	d := userdata.deny with input as write({"DispositionCode": "Callback"}, "delete", "DispositionCode")
		with data.wwe.options as {}
	{r.key | some r in d} == {"DispositionCode"}
}

test_deny_allows_the_first_set if {
	count(userdata.deny) == 0 with input as write({}, "set", "DispositionCode") with data.wwe.options as {}
}

test_deny_allows_setting_over_a_blank_disposition if {
	count(userdata.deny) == 0 with input as write({"DispositionCode": " \t"}, "set", "DispositionCode")
		with data.wwe.options as {}
}

test_deny_allows_setting_over_an_invisible_disposition if {
	count(userdata.deny) == 0 with input as write({"DispositionCode": "\u200b\u2060"}, "set", "DispositionCode")
		with data.wwe.options as {}
}

test_deny_allows_other_keys_once_set if {
	count(userdata.deny) == 0 with input as write({"DispositionCode": "Sale"}, "set", "Notes") with data.wwe.options as {}
}

test_deny_follows_the_disposition_key_name_option if {
	opts := {"interaction.disposition.key-name": "Outcome"}
	d := userdata.deny with input as write({"Outcome": "Sale", "DispositionCode": "x"}, "set", "Outcome")
		with data.wwe.options as opts
	{r.key | some r in d} == {"Outcome"}
	count(userdata.deny) == 0 with input as write({"Outcome": "Sale", "DispositionCode": "x"}, "set", "DispositionCode")
		with data.wwe.options as opts
}

test_deny_covers_the_user_data_of_a_transfer if {
	d := guard.decision with input as {
		"operation": "singleStepTransfer",
		"request": "interaction.singleStepTransfer",
		"interaction": {"userData": {"DispositionCode": "Sale"}},
		"target": "agent-7",
		"writes": [{"op": "set", "key": "DispositionCode", "value": "Transferred"}, {"op": "set", "key": "Notes", "value": "x"}],
	}
		with data.wwe.options as {}
	d.deniedKeys == ["DispositionCode"]
}
