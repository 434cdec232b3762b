# Keys by application: the IVR, authenticated by its own API key, writes
# only the IVR_ keys it owns (the caller's path through the menu, its
# language); the disposition and the agent's notes are the CRM's.
package wwe.userdata

# METADATA
# title: The IVR writes only IVR_ keys
# description: >-
#   Refuses setting or deleting a user-data key that does not start with
#   IVR_ when the caller authenticated as the ivr application
#   (input.caller.application, from its API key). Other applications are
#   left to the other rules.
# labels:
#   code: APPLICATION_KEY_NOT_ALLOWED
#   compliance: ISO/IEC 27001:2022 A.5.15 (access control), least privilege per application
deny contains {
	"key": w.key,
	"code": "APPLICATION_KEY_NOT_ALLOWED",
	"message": sprintf("application ivr may not write user data key %q; it writes IVR_ keys only", [w.key]),
} if {
	input.caller.application == "ivr"
	some w in input.writes
	not startswith(w.key, "IVR_")
}
