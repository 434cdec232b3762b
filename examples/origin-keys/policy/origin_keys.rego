# Per-origin user-data keys: each web origin (a CRM page, a widget) writes
# only the keys listed for it in data.wwe.examples.origin_keys (data.json
# beside this file). Adding an origin or a key is a data change.
package wwe.userdata

# METADATA
# title: Each origin writes only its own keys
# description: >-
#   Refuses setting or deleting a user-data key that is not listed for the
#   caller's Origin in data.wwe.examples.origin_keys ("*" in a list admits
#   every key). An origin that is not listed, or a request without Origin,
#   may write no key at all.
# labels:
#   code: ORIGIN_KEY_NOT_ALLOWED
#   compliance: ISO/IEC 27001:2022 A.8.3 (information access restriction), least privilege
deny contains {
	"key": w.key,
	"code": "ORIGIN_KEY_NOT_ALLOWED",
	"message": sprintf("origin %s may not write user data key %q", [origin_keys_caller, w.key]),
} if {
	some w in input.writes
	not origin_keys_allowed(w.key)
}

# origin_keys_allowed(key) holds when the caller's origin lists key, or "*".
origin_keys_allowed(key) if {
	some allowed in data.wwe.examples.origin_keys[input.caller.origin]
	allowed in {key, "*"}
}

origin_keys_caller := sprintf("%q", [input.caller.origin]) if {
	is_string(input.caller.origin)
} else := "(none)"
