# service-client-api.user-data.read-allowed: the keys clients may read in
# results and events.
package wwe.userdata

import data.wwe.config

read_option := "service-client-api.user-data.read-allowed"

# The option's key list, parsed once per decision rather than once per key
# (and, being the same for every input, once per policy set by the guard).
read_allowed := config.key_list(read_option)

read_all if "*" in read_allowed

# METADATA
# title: Read-allowed user-data keys
# description: |
#   Hides from what clients read every key of the interaction that
#   service-client-api.user-data.read-allowed does not list.
# labels:
#   code: READ_ALLOWED
#   control: service-client-api.user-data.read-allowed
read_deny contains k if {
	not read_all
	some k, _ in input.interaction.userData
	not k in read_allowed
	config.service_client_options_apply
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
	not read_all
	some w in input.writes
	not w.key in read_allowed
	config.service_client_options_apply
}
