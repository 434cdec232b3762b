package wwe.examples.campaign_disposition_test

import data.wwe.guard
import data.wwe.markdone

markdone_of(interaction) := {
	"operation": "markdone",
	"request": "interaction.markdone",
	"interactionId": "1",
	"interaction": interaction,
	"markdoneBlocks": [],
}

verdict(interaction) := "blocked" if {
	some b in markdone.block with input as markdone_of(interaction) with data.wwe.options as {}
	b.code == "CAMPAIGN_DISPOSITION_REQUIRED"
} else := "done"

campaign := {"GSW_CAMPAIGN_NAME": "Spring renewals", "GSW_CALLING_LIST": "renewals_q2"}

# One table; `wrong` lists the cases whose verdict differs
# (`opa test --var-values` shows it).
cases := [
	{"name": "campaign call, no disposition", "callType": "OUTBOUND", "userData": campaign, "want": "blocked"},
	{"name": "campaign call, blank disposition", "callType": "OUTBOUND", "userData": object.union(campaign, {"GSW_DISPOSITION_CODE": "  "}), "want": "blocked"},
	{"name": "campaign call, invisible disposition", "callType": "OUTBOUND", "userData": object.union(campaign, {"GSW_DISPOSITION_CODE": "\u200b\ufeff"}), "want": "blocked"},
	{"name": "campaign call, object as disposition", "callType": "OUTBOUND", "userData": object.union(campaign, {"GSW_DISPOSITION_CODE": {}}), "want": "blocked"},
	{"name": "campaign call, disposition set", "callType": "OUTBOUND", "userData": object.union(campaign, {"GSW_DISPOSITION_CODE": "Sale"}), "want": "done"},
	{"name": "campaign call, numeric disposition", "callType": "OUTBOUND", "userData": object.union(campaign, {"GSW_DISPOSITION_CODE": 7}), "want": "done"},
	{"name": "numeric calling list id", "callType": "OUTBOUND", "userData": {"GSW_CALLING_LIST": 42}, "want": "blocked"},
	{"name": "calling list only", "callType": "OUTBOUND", "userData": {"GSW_CALLING_LIST": "renewals_q2"}, "want": "blocked"},
	{"name": "blank campaign name", "callType": "OUTBOUND", "userData": {"GSW_CAMPAIGN_NAME": ""}, "want": "done"},
	{"name": "manual outbound call", "callType": "OUTBOUND", "userData": {}, "want": "done"},
	{"name": "inbound call with campaign keys", "callType": "INBOUND", "userData": campaign, "want": "done"},
	{"name": "consultation", "callType": "CONSULT", "userData": campaign, "want": "done"},
]

test_block_campaign_disposition_cases if {
	wrong := [c.name |
		some c in cases
		verdict({"interactionId": "1", "callType": c.callType, "userData": c.userData}) != c.want
	]
	wrong == []
}

test_block_tells_the_agent_what_to_set if {
	d := guard.decision with input as markdone_of({"callType": "OUTBOUND", "isMainCaseInteraction": true, "userData": campaign})
		with data.wwe.options as {}
	d.allow == false
	d.warningMessages == ["Set GSW_DISPOSITION_CODE (the campaign outcome) before marking this outbound call done"]
	[r.code | some r in d.reasons] == ["CAMPAIGN_DISPOSITION_REQUIRED"]
}

test_block_only_stops_markdone if {
	d := guard.decision with input as {
		"operation": "setUserData",
		"request": "interaction.setUserData",
		"interaction": {"callType": "OUTBOUND", "userData": campaign},
		"writes": [{"op": "set", "key": "Notes", "value": "x"}],
	}
		with data.wwe.options as {}
	d.allow == true
}

test_block_unknown_interaction_is_not_blocked if {
	count(markdone.block) == 0 with input as markdone_of(null) with data.wwe.options as {}
}

test_block_adds_to_the_mandatory_disposition if {
	d := guard.decision with input as markdone_of({"callType": "OUTBOUND", "isMainCaseInteraction": true, "userData": campaign})
		with data.wwe.options as {"interaction.disposition.is-mandatory": true}
	{r.code | some r in d.reasons} == {"DISPOSITION_REQUIRED", "CAMPAIGN_DISPOSITION_REQUIRED"}
}
