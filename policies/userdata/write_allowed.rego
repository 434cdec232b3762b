# service-client-api.user-data.write-allowed: the keys setUserData, deleteUserData
# and the user data of consult/transfer/conference may write.
package wwe.userdata

import data.wwe.config

write_option := "service-client-api.user-data.write-allowed"

# The option's key list, parsed once per decision rather than once per key
# (and, being the same for every input, once per policy set by the guard).
write_allowed := config.key_list(write_option)

write_all if "*" in write_allowed

# METADATA
# title: Write-allowed user-data keys
# description: |
#   Refuses every write (set or delete, by any operation) of a key that
#   service-client-api.user-data.write-allowed does not list.
# labels:
#   code: WRITE_ALLOWED
#   control: service-client-api.user-data.write-allowed
deny contains {
	"key": w.key,
	"code": "WRITE_ALLOWED",
	"message": sprintf("user data key %q is not in %s", [w.key, write_option]),
} if {
	some w in input.writes
	not write_all
	not w.key in write_allowed
	config.service_client_options_apply
}
