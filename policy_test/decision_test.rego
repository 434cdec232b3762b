package wwe.guard_test

import data.wwe.guard

opts := {
	"service-client-api.user-data.write-allowed": "Notes,DispositionCode",
	"service-client-api.user-data.read-allowed": "Notes",
	"interaction.disposition.is-mandatory": true,
}

main := {"interactionId": "1", "isMainCaseInteraction": true, "userData": {"Secret": "s"}}

test_decision_allow_when_nothing_denies if {
	d := guard.decision with input as {"operation": "setUserData", "writes": [{"op": "set", "key": "Notes", "value": "x"}], "interaction": main}
		with data.wwe.options as opts
	d.allow
	d.deniedKeys == []
	d.reasons == []
	d.warningMessages == []
	d.readDeny == ["Secret"]
}

test_decision_denied_keys_sorted if {
	d := guard.decision with input as {"operation": "setUserData", "writes": [
		{"op": "set", "key": "Z", "value": "x"},
		{"op": "set", "key": "A", "value": "x"},
		{"op": "set", "key": "Notes", "value": "x"},
	]}
		with data.wwe.options as opts
	not d.allow
	d.deniedKeys == ["A", "Z"]
	count(d.reasons) == 2
}

test_decision_blocks_only_on_markdone if {
	base := {"interaction": main, "markdoneBlocks": [{"warningMessage": "Finish", "origin": "https://crm"}]}
	d := guard.decision with input as object.union(base, {"operation": "markdone"}) with data.wwe.options as opts
	not d.allow
	d.warningMessages == ["A disposition (DispositionCode) is required before this interaction can be marked done", "Finish"]
	other := guard.decision with input as object.union(base, {"operation": "getByInteractionId"}) with data.wwe.options as opts
	other.allow
	other.warningMessages == []
}

test_decision_access_short_circuits if {
	d := guard.decision with input as {
		"operation": "setUserData", "request": "interaction.setUserData",
		"writes": [{"op": "set", "key": "SSN", "value": "x"}], "caller": {"origin": "https://evil"},
	}
		with data.wwe.options as object.union(opts, {"service-client-api.accepted-web-content-origins": "https://crm"})
	not d.allow
	d.deniedKeys == []
	[r.code | some r in d.reasons] == ["ORIGIN_NOT_ACCEPTED"]
}

test_decision_custom_reason_fields_pass_through if {
	d := guard.decision with input as {"operation": "setUserData", "writes": []}
		with data.wwe.userdata.deny as {{"key": "K", "code": "C", "message": "M", "extra": 1}}
	not d.allow
	d.deniedKeys == ["K"]
	d.reasons[0].extra == 1
}

test_decision_dry_run_codes_observe_without_refusing if {
	d := guard.decision with input as {"operation": "setUserData", "writes": [
		{"op": "set", "key": "SSN", "value": "x"},
		{"op": "set", "key": "Notes", "value": "x"},
	]}
		with data.wwe.options as opts
		with data.wwe.rollout.dryrun as ["WRITE_ALLOWED"]
	d.allow
	d.deniedKeys == []
	d.reasons == []
	[[r.code, r.key] | some r in d.dryRunReasons] == [["WRITE_ALLOWED", "SSN"]]
}

test_decision_dry_run_codes_leave_other_rules_enforced if {
	d := guard.decision with input as {"operation": "markdone", "interaction": main}
		with data.wwe.options as opts
		with data.wwe.markdone.block as {{"code": "NEW_RULE", "message": "new"}, {"code": "OLD_RULE", "message": "old"}}
		with data.wwe.rollout.dryrun as ["NEW_RULE"]
	not d.allow
	d.warningMessages == ["old"]
	[r.code | some r in d.dryRunReasons] == ["NEW_RULE"]
}

test_decision_dry_run_access_deny_does_not_short_circuit if {
	d := guard.decision with input as {
		"operation": "setUserData", "request": "interaction.setUserData",
		"writes": [{"op": "set", "key": "SSN", "value": "x"}], "caller": {"origin": "https://evil"},
	}
		with data.wwe.options as object.union(opts, {"service-client-api.accepted-web-content-origins": "https://crm"})
		with data.wwe.rollout.dryrun as ["ORIGIN_NOT_ACCEPTED"]
	not d.allow
	d.deniedKeys == ["SSN"]
	[r.code | some r in d.dryRunReasons] == ["ORIGIN_NOT_ACCEPTED"]
}
