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
#   cannot be marked done until its disposition key has a non-blank value.
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
	value := input.interaction.userData[disposition_key]
	not blank(value)
}

blank(value) if trim_space(value) == ""
