# interaction.disposition.is-mandatory: the main case interaction needs its
# disposition (interaction.disposition.key-name) before it is marked done.
package wwe.markdone

import data.wwe.config

disposition_key := config.option("interaction.disposition.key-name")

# The option read once per decision (and, being the same for every input,
# computed once per policy set by the guard).
disposition_mandatory if config.enabled("interaction.disposition.is-mandatory")

# METADATA
# title: Disposition required before markdone
# description: |
#   With interaction.disposition.is-mandatory, the main case interaction
#   cannot be marked done until its disposition key is set: an integer, or a
#   string with a character that is neither white space nor invisible (Cf).
# labels:
#   code: DISPOSITION_REQUIRED
#   control: interaction.disposition.is-mandatory
block contains {
	"code": "DISPOSITION_REQUIRED",
	"message": sprintf("A disposition (%s) is required before this interaction can be marked done", [disposition_key]),
} if {
	disposition_mandatory
	input.interaction.isMainCaseInteraction == true
	not has_disposition
}

has_disposition if {
	disposition_set(input.interaction.userData[disposition_key])
	not blank_disposition_write
	not blank_disposition_pair
}

# Key/value lists may hold a key twice (the Workspace API v3 door): a
# disposition counts only when every pair for its key is set (DESIGN.md
# §8.1). The call's own writes of the key are checked, and, when the call
# writes none, the pairs GWS reports (input.interaction.gws.userData).
blank_disposition_write if {
	some w in input.writes
	w.key == disposition_key
	not disposition_set(object.get(w, "value", null))
}

blank_disposition_pair if {
	not disposition_written
	some p in input.interaction.gws.userData
	p.key == disposition_key
	not disposition_set(p.value)
}

disposition_written if {
	some w in input.writes
	w.key == disposition_key
}

# A disposition is set (DESIGN.md §9.1) when it is any integer, or a string
# with at least one code point that is neither Unicode White_Space nor a
# format character (General Category Cf: zero-width space, word joiner, byte
# order mark, ...). Objects, lists, booleans, null and blank strings are not.
disposition_set(value) if {
	is_number(value)
	floor(value) == value
}

disposition_set(value) if {
	is_string(value)
	regex.match(visible_code_point, value)
}

# RE2 knows \p{Cf} but not White_Space, so White_Space is spelt out.
visible_code_point := `[^\x{0009}-\x{000D}\x{0020}\x{0085}\x{00A0}\x{1680}\x{2000}-\x{200A}\x{2028}\x{2029}\x{202F}\x{205F}\x{3000}\p{Cf}]`
