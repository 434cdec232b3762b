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
