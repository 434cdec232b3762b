# service-client-api.user-data.read-allowed: the keys clients may read in
# results and events.
package wwe.userdata

import data.wwe.config

read_option := "service-client-api.user-data.read-allowed"

# METADATA
# title: Read-allowed user-data keys
# description: |
#   Hides from what clients read every key of the interaction that
#   service-client-api.user-data.read-allowed does not list.
# labels:
#   code: READ_ALLOWED
#   control: service-client-api.user-data.read-allowed
read_deny contains k if {
	some k, _ in input.interaction.userData
	not config.allows(read_option, k)
}

# METADATA
# title: Read-allowed keys of a write
# description: |
#   Hides a key the call writes from the answer when
#   service-client-api.user-data.read-allowed does not list it.
# labels:
#   code: READ_ALLOWED
#   control: service-client-api.user-data.read-allowed
read_deny contains w.key if {
	some w in input.writes
	not config.allows(read_option, w.key)
}
