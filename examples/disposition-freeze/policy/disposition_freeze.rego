# Change freeze on dispositions: once an interaction has a disposition
# (interaction.disposition.key-name), it may not be overwritten or deleted.
# The first set is allowed.
package wwe.userdata

import data.wwe.config

# METADATA
# title: A disposition, once set, is frozen
# description: >-
#   Refuses setting or deleting the disposition key
#   (interaction.disposition.key-name, default DispositionCode) when the
#   interaction already has a disposition that is not blank. Setting it the
#   first time, or over a blank value, is allowed. Covers setUserData,
#   deleteUserData and the user data of consult, transfer and conference.
# labels:
#   code: DISPOSITION_FROZEN
#   compliance: SOX ITGC change management (record integrity); PCI DSS 4.0 req 10.3.2 (records protected from modification)
deny contains {
	"key": w.key,
	"code": "DISPOSITION_FROZEN",
	"message": sprintf("%s is already set on this interaction and may not be changed", [w.key]),
} if {
	some w in input.writes
	w.key == disposition_freeze_key
	disposition_freeze_is_set
}

disposition_freeze_key := config.option("interaction.disposition.key-name")

# disposition_freeze_is_set holds when the interaction, as the service
# holds it now, has a disposition, as the shipped disposition rule counts
# one (DESIGN.md §9.1): an integer, or a string with a visible character.
disposition_freeze_is_set if data.wwe.markdone.disposition_set(input.interaction.userData[disposition_freeze_key])
