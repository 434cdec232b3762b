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

disposition(value) := {"interaction": {"isMainCaseInteraction": true, "userData": {"DispositionCode": value}}}

test_block_disposition_not_a_string_or_integer if {
	every value in [{}, {"code": ""}, {"code": "Sale"}, [], ["Sale"], true, null, 1.5] {
		count(markdone.block) == 1 with input as disposition(value) with data.wwe.options as mandatory
	}
}

test_block_disposition_blank_by_white_space_and_cf if {
	# Every Unicode White_Space character, and format characters (Cf) such as
	# zero-width space, word joiner and byte order mark.
	blanks := [
		"", "\t\n\u000b\f\r ", "\u0085\u00a0\u1680", "\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a",
		"\u2028\u2029\u202f\u205f\u3000", "\u200b \ufeff\u2060", "\u200e\u200f\u00ad", "\u200b",
	]
	every value in blanks {
		count(markdone.block) == 1 with input as disposition(value) with data.wwe.options as mandatory
	}
}

test_block_disposition_set_by_a_visible_character_or_an_integer if {
	every value in ["\u200bSale\u200b", " x ", "0", "\u3000\u00e9", 0, 7, -1] {
		count(markdone.block) == 0 with input as disposition(value) with data.wwe.options as mandatory
	}
}

# Key/value lists may repeat a key (the Workspace API v3 door): a disposition
# counts only when every pair for its key is set.
dispositioned := {"isMainCaseInteraction": true, "userData": {"DispositionCode": "Sale"}}

test_block_disposition_a_blank_write_of_the_key if {
	writes := [{"op": "set", "key": "DispositionCode", "value": " "}, {"op": "set", "key": "DispositionCode", "value": "Sale"}]
	count(markdone.block) == 1 with input as {"interaction": dispositioned, "writes": writes}
		with data.wwe.options as mandatory
	count(markdone.block) == 0 with input as {"interaction": dispositioned, "writes": [writes[1]]}
		with data.wwe.options as mandatory
}

test_block_disposition_a_blank_pair_gws_reports if {
	pairs := [{"key": "DispositionCode", "type": "str", "value": ""}, {"key": "DispositionCode", "type": "str", "value": "Sale"}]
	count(markdone.block) == 1 with input as {"interaction": object.union(dispositioned, {"gws": {"userData": pairs}}), "writes": []}
		with data.wwe.options as mandatory
	count(markdone.block) == 0 with input as {"interaction": object.union(dispositioned, {"gws": {"userData": [pairs[1]]}}), "writes": []}
		with data.wwe.options as mandatory

	# The call's own writes of the key replace what GWS reported.
	count(markdone.block) == 0 with input as {
		"interaction": object.union(dispositioned, {"gws": {"userData": pairs}}),
		"writes": [{"op": "set", "key": "DispositionCode", "value": "Sale"}],
	}
		with data.wwe.options as mandatory
}
