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

# A rule labelled enforcement: dryrun is renamed by the guard to its
# extension point's observed twin and data.wwe.rollout.labelled is set: only
# that rule is observed, even when it reuses the code of a shipped rule.
test_decision_observed_rules_leave_shipped_codes_enforced if {
	d := guard.decision with input as {"operation": "setUserData", "writes": [
		{"op": "set", "key": "SSN", "value": "x"},
		{"op": "set", "key": "Notes", "value": "x"},
	]}
		with data.wwe.options as opts
		with data.wwe.userdata.deny_dryrun as {{"key": "Notes", "code": "WRITE_ALLOWED", "message": "trial"}}
		with data.wwe.rollout.labelled as true
	not d.allow
	d.deniedKeys == ["SSN"]
	[r.code | some r in d.reasons] == ["WRITE_ALLOWED"]
	d.dryRunReasons == [{"key": "Notes", "code": "WRITE_ALLOWED", "message": "trial"}]
}

test_decision_observed_blocks_and_access_rules_only_observe if {
	d := guard.decision with input as {"operation": "markdone", "interaction": main, "caller": {"origin": "https://crm"}}
		with data.wwe.options as object.union(opts, {"service-client-api.accepted-web-content-origins": "https://crm"})
		with data.wwe.markdone.block_dryrun as {{"code": "DISPOSITION_REQUIRED", "message": "trial"}}
		with data.wwe.access.deny_dryrun as {{"code": "ORIGIN_NOT_ACCEPTED", "message": "trial origin"}}
		with data.wwe.rollout.labelled as true
	not d.allow
	d.warningMessages == ["A disposition (DispositionCode) is required before this interaction can be marked done"]
	{r.message | some r in d.dryRunReasons} == {"trial", "trial origin"}
}

test_decision_observed_twins_need_the_guard_flag if {
	d := guard.decision with input as {"operation": "setUserData", "writes": []}
		with data.wwe.userdata.deny_dryrun as {{"key": "Notes", "code": "C", "message": "m"}}
	d.allow
	d.dryRunReasons == []
}
