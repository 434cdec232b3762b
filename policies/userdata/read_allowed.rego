# service-client-api.user-data.read-allowed: the keys clients may read in
# results and events.
package wwe.userdata

import data.wwe.config

read_option := "service-client-api.user-data.read-allowed"

read_deny contains k if {
	some k, _ in input.interaction.userData
	not config.allows(read_option, k)
}

read_deny contains w.key if {
	some w in input.writes
	not config.allows(read_option, w.key)
}
