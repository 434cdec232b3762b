# METADATA
# title: wwe-guard policies
# description: |
#   Every package below data.wwe is type-checked against the input schema
#   (policies/schemas/input.json) and the options schema
#   (policies/schemas/wwe/options.json), the guard's own rules and every rule a
#   team adds alike.
# scope: subpackages
# schemas:
#   - input: schema.input
#   - data.wwe.options: schema.wwe.options
package wwe
