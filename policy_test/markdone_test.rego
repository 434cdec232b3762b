package wwe.markdone_test

import data.wwe.markdone

mandatory := {"interaction.disposition.is-mandatory": true}

test_block_disposition_missing if {
	b := markdone.block with input as {"interaction": {"isMainCaseInteraction": true, "userData": {}}}
		with data.wwe.options as mandatory
	{x.code | some x in b} == {"DISPOSITION_REQUIRED"}
}

test_block_disposition_blank if {
	count(markdone.block) == 1 with input as {"interaction": {"isMainCaseInteraction": true, "userData": {"DispositionCode": "  "}}}
		with data.wwe.options as mandatory
}

test_block_disposition_set_releases if {
	count(markdone.block) == 0 with input as {"interaction": {"isMainCaseInteraction": true, "userData": {"DispositionCode": "Sale"}}}
		with data.wwe.options as mandatory
}

test_block_disposition_custom_key if {
	count(markdone.block) == 0 with input as {"interaction": {"isMainCaseInteraction": true, "userData": {"Dispo": 7}}}
		with data.wwe.options as object.union(mandatory, {"interaction.disposition.key-name": "Dispo"})
}

test_block_disposition_not_main_case if {
	count(markdone.block) == 0 with input as {"interaction": {"isMainCaseInteraction": false, "userData": {}}}
		with data.wwe.options as mandatory
}

test_block_disposition_not_mandatory_by_default if {
	count(markdone.block) == 0 with input as {"interaction": {"isMainCaseInteraction": true, "userData": {}}}
		with data.wwe.options as {}
}

test_block_client_blocks if {
	b := markdone.block with input as {"markdoneBlocks": [{"warningMessage": "Finish the survey", "origin": "https://crm"}]}
		with data.wwe.options as {}
	b == {{"code": "CLIENT_BLOCK", "message": "Finish the survey", "origin": "https://crm"}}
}
