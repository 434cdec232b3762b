package wwe.examples.pii_reads_test

import data.wwe.guard
import data.wwe.userdata

read_of(user_data) := {
	"operation": "getByInteractionId",
	"request": "interaction.getByInteractionId",
	"interaction": {"interactionId": "1", "userData": user_data},
	"writes": [],
}

test_read_deny_hides_the_listed_keys if {
	r := userdata.read_deny with input as read_of({"SSN": "078-05-1120", "DateOfBirth": "1970-01-01", "CardNumber": "x", "Notes": "n"})
		with data.wwe.options as {}
	r == {"SSN", "DateOfBirth", "CardNumber"}
}

test_read_deny_hides_keys_matching_the_pattern_of_data_json if {
	r := userdata.read_deny with input as read_of({"PII_Email": "a@example.com", "passportNumber": "X1", "Notes": "n", "MyPII_x": "y"})
		with data.wwe.options as {}
	r == {"PII_Email", "passportNumber"}
}

test_read_deny_follows_the_pattern_in_the_data if {
	r := userdata.read_deny with input as read_of({"PII_Email": "a@example.com", "Iban": "DE89", "Notes": "n"})
		with data.wwe.examples.pii_reads.key_pattern as "^(Iban|Bic)$"
		with data.wwe.options as {}
	r == {"Iban"}
}

test_read_deny_without_pattern_hides_only_the_listed_keys if {
	r := userdata.read_deny with input as read_of({"PII_Email": "a@example.com", "SSN": "1"})
		with data.wwe.examples.pii_reads as {}
		with data.wwe.options as {}
	r == {"SSN"}
}

test_read_deny_adds_to_read_allowed if {
	r := userdata.read_deny with input as read_of({"SSN": "1", "Notes": "n", "Internal": "x"})
		with data.wwe.options as {"service-client-api.user-data.read-allowed": "SSN,Notes"}
	r == {"SSN", "Internal"}
}

test_read_deny_hides_a_kvlist_holding_pii_at_any_depth if {
	r := userdata.read_deny with input as read_of({
		"Customer": {"Name": "Ann Lee", "Tax": {"SSN": "078-05-1120"}},
		"Order": {"Id": "7", "Lines": {"1": "book"}},
	})
		with data.wwe.options as {}
	r == {"Customer"}
}

test_read_deny_hides_pii_the_call_writes if {
	r := userdata.read_deny with input as {
		"operation": "setUserData",
		"interaction": {"userData": {}},
		"writes": [
			{"op": "set", "key": "DateOfBirth", "value": "1980-02-29"},
			{"op": "set", "key": "Notes", "value": "n"},
			{"op": "delete", "key": "PII_Phone"},
		],
	}
		with data.wwe.options as {}
	r == {"DateOfBirth", "PII_Phone"}
}

test_read_deny_fails_closed_on_an_invalid_pattern if {
	r := userdata.read_deny with input as read_of({"Notes": "n", "CustomerSegment": "gold"})
		with data.wwe.examples.pii_reads.key_pattern as "PII_("
		with data.wwe.options as {}
	r == {"Notes", "CustomerSegment"}
}

test_read_deny_does_not_refuse_writes if {
	d := guard.decision with input as {
		"operation": "setUserData",
		"request": "interaction.setUserData",
		"interaction": {"userData": {}},
		"writes": [{"op": "set", "key": "SSN", "value": "078-05-1120"}],
	}
		with data.wwe.options as {}
	d.allow == true
	d.readDeny == ["SSN"]
}
