# PII stays off the agent's screen: user-data keys that hold personal data
# are hidden from every read (method results and events). Writing them is not
# refused: the IVR or a back-office system may store what desktops must not
# show.
package wwe.userdata

# METADATA
# title: PII is hidden from what clients read
# description: >-
#   Hides SSN, DateOfBirth, CardNumber, every key that matches the regular
#   expression data.wwe.examples.pii_reads.key_pattern (data.json), and every key
#   whose key/value list holds such a key at any depth. read_deny carries no
#   reason; the code names the rule for audits (the decision log's
#   rule_labels).
# labels:
#   code: PII_READ_DENY
#   compliance: GDPR Art. 5(1)(c) data minimisation and Art. 25 data protection by default
read_deny contains key if {
	some [key, value] in pii_reads_entries
	pii_reads_hides(key, value)
}

# METADATA
# title: An invalid PII pattern hides every key
# description: >-
#   When data.wwe.examples.pii_reads.key_pattern is not a valid regular
#   expression, no key can be told apart from PII, so every key is hidden
#   (fail closed) until the pattern is fixed.
# labels:
#   code: PII_READ_DENY
#   compliance: GDPR Art. 25 data protection by default
read_deny contains key if {
	not regex.is_valid(pii_reads_pattern)
	some [key, _] in pii_reads_entries
}

pii_reads_keys := {"SSN", "DateOfBirth", "CardNumber"}

# pii_reads_pattern is the configured pattern (data.json); "" (unset) matches
# no key.
default pii_reads_pattern := ""

pii_reads_pattern := data.wwe.examples.pii_reads.key_pattern

# pii_reads_entries are the [key, value] pairs a read may show: the
# interaction's user data and what the call writes.
pii_reads_entries contains [key, value] if {
	some key, value in input.interaction.userData
}

pii_reads_entries contains [w.key, object.get(w, "value", null)] if {
	some w in input.writes
}

pii_reads_hides(key, _) if pii_reads_is_pii(key)

pii_reads_hides(_, value) if {
	walk(value, [path, _])
	some nested in path
	pii_reads_is_pii(nested)
}

pii_reads_is_pii(key) if key in pii_reads_keys

pii_reads_is_pii(key) if {
	pii_reads_pattern != ""
	regex.match(pii_reads_pattern, key)
}
