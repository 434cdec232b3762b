package main

import (
	"fmt"
	"net/http"
	"net/url"
)

// opKind is one operation of the load mix.
type opKind int

// The operations of the mix. Their requests are chosen so that, against the
// demo configuration, every one of them has one known answer that does not
// change the outcome of any later request (see expect).
const (
	opSet      opKind = iota // setUserData of allowed keys: 200
	opRefused                // setUserData of SSN: 403 on a guard, 200 unguarded
	opGet                    // getByInteractionId: 200
	opDelete                 // deleteUserData of Notes: 200 (a missing key is no error)
	opMarkdone               // markdone of the blocked interaction: 409 MARKDONE_BLOCKED
	numOps
)

var opNames = [numOps]string{"set", "refused", "get", "delete", "markdone"}

// String returns the op's name in --mix.
func (o opKind) String() string {
	if o < 0 || o >= numOps {
		return fmt.Sprintf("op(%d)", int(o))
	}
	return opNames[o]
}

// targetKind says whether a target applies the policies.
type targetKind int

const (
	kindGuard     targetKind = iota // the guard: policies refuse SSN and markdone
	kindUnguarded                   // the service alone or a bare proxy in front of it
)

// String returns the kind's name in --kind and in reports.
func (k targetKind) String() string {
	if k == kindGuard {
		return "guard"
	}
	return "unguarded"
}

// Request bodies and keys of the load. The refused key is one the demo's
// write-allowed list does not admit; DispositionCode is never written, so a
// markdone can never succeed and complete an interaction.
const (
	allowedBody = `{"Notes":"wwe-bench load","CustomerSegment":"gold"}`
	refusedBody = `{"SSN":"000-00-0000"}`
	deletedKey  = "Notes"
	// benchOrigin owns the markdone block the setup sets, so the tool can
	// clear its own block and no one else's.
	benchOrigin  = "https://wwe-bench.invalid"
	blockMessage = `{"warningMessage":"wwe-bench: markdone attempts stay blocked during the load"}`
)

// outcome is what one answer was: its status and the errorCode of its body.
type outcome struct {
	status int
	code   string
}

// String renders an outcome as "409 MARKDONE_BLOCKED".
func (o outcome) String() string {
	switch {
	case o.status == 0:
		return o.code
	case o.code == "":
		return fmt.Sprint(o.status)
	}
	return fmt.Sprintf("%d %s", o.status, o.code)
}

// expect is the one outcome an op has on a target of the given kind, once
// the setup has set the tool's markdone block. The block makes the service
// itself refuse markdone (409 MARKDONE_BLOCKED), so markdone attempts are
// refused the same way by every target and never complete the interaction;
// on the guard the policies refuse them first (client block, and the
// missing disposition). SSN is refused only where policies run.
func (o opKind) expect(k targetKind) outcome {
	switch o {
	case opRefused:
		if k == kindGuard {
			return outcome{http.StatusForbidden, "USER_DATA_WRITE_NOT_ALLOWED"}
		}
		return outcome{status: http.StatusOK}
	case opMarkdone:
		return outcome{http.StatusConflict, "MARKDONE_BLOCKED"}
	}
	return outcome{status: http.StatusOK}
}

// request is one prepared request: everything but the base URL.
type request struct {
	op     opKind
	method string
	path   string
	body   string
	origin string
}

// newRequest returns op's request against interaction id.
func newRequest(op opKind, id string) request {
	base := "/v1/interactions/" + url.PathEscape(id)
	switch op {
	case opSet:
		return request{op: op, method: http.MethodPatch, path: base + "/user-data", body: allowedBody}
	case opRefused:
		return request{op: op, method: http.MethodPatch, path: base + "/user-data", body: refusedBody}
	case opGet:
		return request{op: op, method: http.MethodGet, path: base}
	case opDelete:
		return request{op: op, method: http.MethodDelete, path: base + "/user-data/" + url.PathEscape(deletedKey)}
	case opMarkdone:
		return request{op: op, method: http.MethodPost, path: base + "/markdone"}
	}
	panic(fmt.Sprintf("newRequest: unknown op %v", op))
}

// blockRequest sets (set true) or clears the tool's markdone block on id.
func blockRequest(id string, set bool) request {
	r := request{op: -1, method: http.MethodDelete, path: "/v1/interactions/" + url.PathEscape(id) + "/markdone-block", origin: benchOrigin}
	if set {
		r.method, r.body = http.MethodPut, blockMessage
	}
	return r
}

// plan is every request the load may send to one target: for each op, the
// requests it cycles through (one per interaction id; markdone only on its
// own id), and what readies the target and puts it back.
type plan struct {
	byOp [numOps][]request
	// readyPath answers 200 once the target serves.
	readyPath string
	// setup is sent once before the load and cleanup once after it; each
	// must answer 200.
	setup, cleanup []request
	// watch, when set, is the long-poll subscriber's session (the Workspace
	// API): it runs alongside the load and counts what it is told.
	watch *watch
}

// newPlan returns the plan for the interactions ids (reads and writes) and
// markdoneID (markdone attempts).
func newPlan(ids []string, markdoneID string) (*plan, error) {
	if len(ids) == 0 {
		return nil, fmt.Errorf("plan: no interaction ids")
	}
	if markdoneID == "" {
		return nil, fmt.Errorf("plan: no markdone interaction id")
	}
	p := &plan{
		readyPath: "/ready",
		setup:     []request{blockRequest(markdoneID, true)},
		cleanup:   []request{blockRequest(markdoneID, false)},
	}
	for op := opKind(0); op < numOps; op++ {
		if op == opMarkdone {
			p.byOp[op] = []request{newRequest(op, markdoneID)}
			continue
		}
		for _, id := range ids {
			if id == "" {
				return nil, fmt.Errorf("plan: empty interaction id")
			}
			p.byOp[op] = append(p.byOp[op], newRequest(op, id))
		}
	}
	return p, nil
}
