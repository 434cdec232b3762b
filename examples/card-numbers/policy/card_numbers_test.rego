package wwe.examples.card_numbers_test

import data.wwe.guard
import data.wwe.userdata

set_notes(value) := {
	"operation": "setUserData",
	"request": "interaction.setUserData",
	"writes": [{"op": "set", "key": "Notes", "value": value}],
}

verdict(value) := "refused" if {
	some d in userdata.deny with input as set_notes(value) with data.wwe.options as {}
	d.code == "PCI_PAN"
} else := "allowed"

# One table, every case checked; `opa test -v --var-values` shows the case
# that fails.
cases := [
	{"name": "Visa, digits only", "value": "4111111111111111", "want": "refused"},
	{"name": "Visa, grouped by spaces", "value": "card 4111 1111 1111 1111 exp 12/29", "want": "refused"},
	{"name": "Mastercard, grouped by dashes", "value": "5500-0000-0000-0004", "want": "refused"},
	{"name": "Amex, 15 digits", "value": "3782 822463 10005", "want": "refused"},
	{"name": "Visa, 13 digits", "value": "4222222222222", "want": "refused"},
	{"name": "19 digits", "value": "6759649826438453003", "want": "refused"},
	{"name": "an integer value", "value": 4111111111111111, "want": "refused"},
	{"name": "nested in a kvlist", "value": {"Payment": {"Method": "card", "Pan": "4012 8888 8888 1881"}}, "want": "refused"},
	{"name": "a nested key", "value": {"6011111111111117": "primary"}, "want": "refused"},
	{"name": "fails Luhn", "value": "4111 1111 1111 1112", "want": "allowed"},
	{"name": "a phone number", "value": "+44 20 7946 0958", "want": "allowed"},
	{"name": "a long phone number", "value": "+49 30 1234 5678 901", "want": "allowed"},
	{"name": "12 digits, Luhn valid", "value": "4111 1111 1117", "want": "allowed"},
	{"name": "20 digits, Luhn valid", "value": "41111111111111111115", "want": "allowed"},
	{"name": "two separators in a row", "value": "4111  1111  1111  1111", "want": "allowed"},
	{"name": "no digits", "value": "customer prefers email", "want": "allowed"},
	{"name": "a small integer", "value": 42, "want": "allowed"},
	{"name": "an empty kvlist", "value": {}, "want": "allowed"},
]

test_deny_card_number_cases if {
	every c in cases {
		verdict(c.value) == c.want
	}
}

test_deny_names_the_top_level_key_and_not_the_number if {
	d := userdata.deny with input as {"writes": [
		{"op": "set", "key": "Payment", "value": {"Details": {"Pan": "4111-1111-1111-1111"}}},
		{"op": "set", "key": "Notes", "value": "called back"},
	]}
		with data.wwe.options as {}
	d == {{
		"key": "Payment",
		"code": "PCI_PAN",
		"message": "user data key \"Payment\" holds a payment card number; card numbers may not be stored",
	}}
}

test_deny_lists_every_key_with_a_card_number if {
	d := userdata.deny with input as {"writes": [
		{"op": "set", "key": "A", "value": "4111111111111111"},
		{"op": "set", "key": "B", "value": 5500000000000004},
		{"op": "set", "key": "C", "value": "+1 415 555 0134"},
	]}
		with data.wwe.options as {}
	{r.key | some r in d} == {"A", "B"}
}

test_deny_ignores_deletes if {
	count(userdata.deny) == 0 with input as {"writes": [{"op": "delete", "key": "CardNumber"}]}
		with data.wwe.options as {}
}

test_deny_refuses_the_write_even_when_write_allowed_admits_the_key if {
	d := guard.decision with input as set_notes("4111 1111 1111 1111")
		with data.wwe.options as {"service-client-api.user-data.write-allowed": "Notes"}
	d.allow == false
	d.deniedKeys == ["Notes"]
	[r.code | some r in d.reasons] == ["PCI_PAN"]
}

test_deny_covers_the_user_data_of_a_consult if {
	d := guard.decision with input as {
		"operation": "consult",
		"request": "interaction.consult",
		"target": "+15551234",
		"writes": [{"op": "set", "key": "Handover", "value": {"Card": "5500 0000 0000 0004"}}],
	}
		with data.wwe.options as {}
	d.deniedKeys == ["Handover"]
}
