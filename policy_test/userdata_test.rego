package wwe.userdata_test

import data.wwe.userdata

test_deny_key_not_in_write_allowed if {
	d := userdata.deny with input as {"writes": [{"op": "set", "key": "SSN", "value": "1"}, {"op": "set", "key": "Notes", "value": "x"}]}
		with data.wwe.options as {"service-client-api.user-data.write-allowed": "Notes"}
	d == {{"key": "SSN", "code": "WRITE_ALLOWED", "message": "user data key \"SSN\" is not in service-client-api.user-data.write-allowed"}}
}

test_deny_covers_deletes if {
	d := userdata.deny with input as {"writes": [{"op": "delete", "key": "Secret"}]}
		with data.wwe.options as {"service-client-api.user-data.write-allowed": "Notes"}
	{r.key | some r in d} == {"Secret"}
}

test_deny_none_by_default if {
	count(userdata.deny) == 0 with input as {"writes": [{"op": "set", "key": "SSN", "value": "1"}]} with data.wwe.options as {}
}

test_deny_case_sensitive if {
	d := userdata.deny with input as {"writes": [{"op": "set", "key": "notes", "value": "1"}]}
		with data.wwe.options as {"service-client-api.user-data.write-allowed": "Notes"}
	count(d) == 1
}

test_read_deny_hides_keys_not_allowed if {
	r := userdata.read_deny with input as {"interaction": {"userData": {"Notes": "x", "Secret": "y"}}, "writes": [{"op": "set", "key": "New", "value": "z"}]}
		with data.wwe.options as {"service-client-api.user-data.read-allowed": "Notes"}
	r == {"Secret", "New"}
}

test_read_deny_none_by_default if {
	count(userdata.read_deny) == 0 with input as {"interaction": {"userData": {"Secret": "y"}}} with data.wwe.options as {}
}

test_key_deny_refuses_listed_keys if {
	d := userdata.deny with input as {"writes": [{"op": "set", "key": "SSN", "value": "1"}, {"op": "delete", "key": "Notes"}]}
		with data.wwe.userdata.key_deny as {"SSN": {"code": "NO_SSN", "message": "no"}}
	d == {{"key": "SSN", "code": "NO_SSN", "message": "no"}}
}

# A key_deny entry in observe-only mode (the guard renames it to
# key_deny_dryrun) is gathered by the observed twin, never by deny.
test_deny_dryrun_observes_key_deny_entries_in_dry_run if {
	writes := {"writes": [{"op": "set", "key": "Notes", "value": "1"}, {"op": "set", "key": "SSN", "value": "1"}]}
	entries := {"Notes": {"code": "NO_NOTES", "message": "no notes"}}
	observed := userdata.deny_dryrun with input as writes with data.wwe.userdata.key_deny_dryrun as entries
	observed == {{"key": "Notes", "code": "NO_NOTES", "message": "no notes"}}
	count(userdata.deny) == 0 with input as writes with data.wwe.userdata.key_deny_dryrun as entries with data.wwe.options as {}
}

# workspace.serviceClientOptions: ignore limits the shipped write-allowed and
# read-allowed rules to the v1 and scapi doors; apply (the default) keeps
# them on the Workspace API v3 door too.
ssn_write(door) := {"door": door, "writes": [{"op": "set", "key": "SSN", "value": "1"}], "interaction": {"userData": {"Secret": "s"}}}

only_notes := {"service-client-api.user-data.write-allowed": "Notes", "service-client-api.user-data.read-allowed": "Notes"}

test_service_client_options_ignored_on_the_workspace_door if {
	count(userdata.deny) == 0 with input as ssn_write("workspace")
		with data.wwe.options as only_notes
		with data.wwe.workspace.serviceClientOptions as "ignore"
	count(userdata.read_deny) == 0 with input as ssn_write("workspace")
		with data.wwe.options as only_notes
		with data.wwe.workspace.serviceClientOptions as "ignore"
}

test_service_client_options_ignore_keeps_the_scapi_doors if {
	every door in ["v1", "scapi"] {
		{d.key | some d in userdata.deny} == {"SSN"} with input as ssn_write(door)
			with data.wwe.options as only_notes
			with data.wwe.workspace.serviceClientOptions as "ignore"
	}
}

test_service_client_options_apply_on_the_workspace_door if {
	{d.key | some d in userdata.deny} == {"SSN"} with input as ssn_write("workspace") with data.wwe.options as only_notes
	userdata.read_deny == {"Secret", "SSN"} with input as ssn_write("workspace")
		with data.wwe.options as only_notes
		with data.wwe.workspace.serviceClientOptions as "apply"
}
