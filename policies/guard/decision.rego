# The entry point: gathers the extension points into one decision document.
package wwe.guard

# dry_run_codes are the reason codes a data file rolls out in observe-only
# mode (data.wwe.rollout.dryrun); the guard refuses shipped codes there.
dry_run_codes := {c | some c in data.wwe.rollout.dryrun}

enforced(r) if not r.code in dry_run_codes

access_reasons := [r | some r in data.wwe.access.deny; enforced(r)]

userdata_reasons := [r | some r in data.wwe.userdata.deny; enforced(r)]

# Block rules are evaluated for markdone only, so they need not test the
# operation themselves.
block_reasons := [r | input.operation == "markdone"; some r in data.wwe.markdone.block; enforced(r)]

# observing is true when some reason may be observed: a code listed in
# data.wwe.rollout.dryrun, or a rule labelled enforcement: dryrun. The guard
# renames such a rule, in its own package, to the observed twin of its
# extension point (deny_dryrun, block_dryrun, key_deny_dryrun), so only that
# rule is observed, whatever code it gives, and sets data.wwe.rollout.labelled.
# Being the same for every input, it is computed once per policy set; one
# complete rule, compared with true, keeps the check per decision cheapest.
observing := (count(dry_run_codes) + count(labelled_rules)) > 0

labelled_rules := {true | data.wwe.rollout.labelled == true}

# dry_run_reasons are what the observe-only rules would have refused; with
# no rule in observe-only mode there is nothing to gather.
default dry_run_reasons := []

dry_run_reasons := array.concat(observed_access, array.concat(observed_userdata, observed_blocks)) if observing == true

observed_access := array.concat(
	[r | some r in data.wwe.access.deny; not enforced(r)],
	[r | some r in data.wwe.access.deny_dryrun],
)

observed_userdata := array.concat(
	[r | some r in data.wwe.userdata.deny; not enforced(r)],
	[r | some r in data.wwe.userdata.deny_dryrun],
)

observed_blocks := array.concat(
	[r | input.operation == "markdone"; some r in data.wwe.markdone.block; not enforced(r)],
	[r | input.operation == "markdone"; some r in data.wwe.markdone.block_dryrun],
)

denied_keys := sort({r.key | some r in userdata_reasons})

warning_messages := sort({r.message | some r in block_reasons})

read_deny := sort({k | some k in data.wwe.userdata.read_deny})

# METADATA
# title: The guard's decision
# description: |
#   The one document the guard evaluates: allow, deniedKeys, reasons,
#   warningMessages, readDeny, and dryRunReasons (what observe-only rules
#   would have refused). An access deny refuses the operation itself and
#   nothing else is looked at.
# scope: document
# entrypoint: true
decision := {
	"allow": false,
	"deniedKeys": [],
	"reasons": access_reasons,
	"warningMessages": [],
	"readDeny": read_deny,
	"dryRunReasons": dry_run_reasons,
} if count(access_reasons) > 0

decision := {
	"allow": (count(userdata_reasons) + count(block_reasons)) == 0,
	"deniedKeys": denied_keys,
	"reasons": array.concat(userdata_reasons, block_reasons),
	"warningMessages": warning_messages,
	"readDeny": read_deny,
	"dryRunReasons": dry_run_reasons,
} if count(access_reasons) == 0
