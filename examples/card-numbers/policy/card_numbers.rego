# Payment-card numbers (PANs) may not be stored in interaction user data, in
# any value: plain strings, integers, and strings or keys nested at any depth
# inside key/value lists.
package wwe.userdata

# METADATA
# title: No payment-card numbers in user data
# description: >-
#   Refuses a write whose value holds a payment-card number anywhere: a run of
#   13 to 19 digits, optionally grouped by single spaces or dashes, that passes
#   the Luhn check. Digit runs that fail the check (phone numbers, order
#   references) are allowed. The message never repeats the number.
# labels:
#   code: PCI_PAN
#   compliance: PCI DSS 4.0 req 3.3 (no storage of SAD) and req 3.4 (PAN unreadable wherever stored)
deny contains {
	"key": w.key,
	"code": "PCI_PAN",
	"message": sprintf("user data key %q holds a payment card number; card numbers may not be stored", [w.key]),
} if {
	some w in input.writes
	w.op == "set"
	some text in card_numbers_texts(w.value)
	card_numbers_contains_pan(text)
}

# card_numbers_texts(value) is every text in a user-data value: the value
# itself, each string and integer nested in it, and each nested key.
card_numbers_texts(value) := {text |
	walk(value, [path, leaf])
	some text in array.concat(path, [leaf])
	card_numbers_is_text(text)
}

card_numbers_is_text(x) if is_string(x)

card_numbers_is_text(x) if is_number(x)

# card_numbers_contains_pan(text) holds when text has a run of 13 to 19
# digits (single spaces or dashes between them allowed) that passes Luhn.
card_numbers_contains_pan(text) if {
	some run in regex.find_n(`[0-9](?:[ -]?[0-9])*`, sprintf("%v", [text]), -1)
	digits := regex.replace(run, `[ -]`, "")
	count(digits) >= 13
	count(digits) <= 19
	card_numbers_luhn(digits)
}

# card_numbers_luhn(digits) is the Luhn check: from the right, every second
# digit is doubled (less 9 when over 9); the sum is a multiple of 10.
card_numbers_luhn(digits) if {
	chars := split(digits, "")
	n := count(chars)
	weights := [card_numbers_luhn_weight(to_number(chars[(n - 1) - i]), i) | some i in numbers.range(0, n - 1)]
	sum(weights) % 10 == 0
}

card_numbers_luhn_weight(d, i) := d if i % 2 == 0

card_numbers_luhn_weight(d, i) := 2 * d if {
	i % 2 == 1
	d <= 4
}

card_numbers_luhn_weight(d, i) := (2 * d) - 9 if {
	i % 2 == 1
	d > 4
}
