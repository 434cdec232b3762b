# Outbound campaign calls need their outcome: an outbound interaction that
# carries campaign user data (GSW_CAMPAIGN_NAME or GSW_CALLING_LIST) cannot be
# marked done before GSW_DISPOSITION_CODE is set. Inbound and manual outbound
# calls are not affected.
package wwe.markdone

# METADATA
# title: Outbound campaign calls need a disposition
# description: >-
#   Blocks markdone of an OUTBOUND interaction with campaign user data
#   (GSW_CAMPAIGN_NAME or GSW_CALLING_LIST, not blank) while its
#   GSW_DISPOSITION_CODE is missing or blank. The message is the warning the
#   agent sees.
# labels:
#   code: CAMPAIGN_DISPOSITION_REQUIRED
#   compliance: FTC TSR 16 CFR 310.5 (telemarketing record keeping)
block contains {
	"code": "CAMPAIGN_DISPOSITION_REQUIRED",
	"message": sprintf("Set %s (the campaign outcome) before marking this outbound call done", [campaign_disposition_key]),
} if {
	input.interaction.callType == "OUTBOUND"
	some marker in campaign_disposition_markers
	campaign_disposition_filled(input.interaction.userData[marker])
	not campaign_disposition_set
}

campaign_disposition_key := "GSW_DISPOSITION_CODE"

# campaign_disposition_markers are the keys Genesys Outbound puts on a
# campaign call.
campaign_disposition_markers := {"GSW_CAMPAIGN_NAME", "GSW_CALLING_LIST"}

# The outcome counts as the shipped disposition rule counts a disposition
# (DESIGN.md §9.1): an integer, or a string with a visible character.
campaign_disposition_set if disposition_set(input.interaction.userData[campaign_disposition_key])

# campaign_disposition_filled(value) holds for a value that is not a blank
# string.
campaign_disposition_filled(value) if {
	is_string(value)
	trim_space(value) != ""
}

campaign_disposition_filled(value) if not is_string(value)
