# service-client-api.user-data.write-allowed: the keys setUserData, deleteUserData
# and the user data of consult/transfer/conference may write.
package wwe.userdata

import data.wwe.config

write_option := "service-client-api.user-data.write-allowed"

deny contains {
	"key": w.key,
	"code": "WRITE_ALLOWED",
	"message": sprintf("user data key %q is not in %s", [w.key, write_option]),
} if {
	some w in input.writes
	not config.allows(write_option, w.key)
}
