# Key rules as a lookup table: a compliance team refuses a key by adding one
# entry to wwe.userdata.key_deny, keyed by the key it refuses:
#
#	key_deny.SSN := {"code": "NO_SSN", "message": "social security numbers may not be stored"}
#
# Each write looks its key up in key_deny, so a decision costs the same with
# ten such keys as with ten thousand; a separate deny rule per key is
# evaluated for every write, and OPA's rule index cannot skip it.
package wwe.userdata

deny contains {"key": w.key, "code": r.code, "message": r.message} if {
	some w in input.writes
	r := data.wwe.userdata.key_deny[w.key]
}

# The observed twin of the rule above: a key_deny entry labelled
# enforcement: dryrun is renamed by the guard to key_deny_dryrun, and what it
# would refuse is observed (the decision's dryRunReasons), never refused.
# The entry point evaluates it only while some rule is in observe-only mode.
deny_dryrun contains {"key": w.key, "code": r.code, "message": r.message} if {
	some w in input.writes
	r := data.wwe.userdata.key_deny_dryrun[w.key]
}
