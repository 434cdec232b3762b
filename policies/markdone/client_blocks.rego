# blockMarkdone: every explicit client block refuses markdone with its message.
package wwe.markdone

block contains {"code": "CLIENT_BLOCK", "message": b.warningMessage, "origin": b.origin} if {
	some b in input.markdoneBlocks
}
