package workspace

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/wwe-guard/wwe-guard/internal/policy"
	"github.com/wwe-guard/wwe-guard/internal/wwe"
)

// Call is the body of a decided route, decoded strictly and validated: what
// the policies decide on (Writes, KeyValues, Key) and what the door
// forwards (Encode), never the client's bytes.
type Call struct {
	// Operation is the route's operation, or "" when the body makes the call
	// one the policies do not decide (a chat leave that does not ForceClose),
	// which the door forwards re-encoded.
	Operation wwe.Operation
	// OperationID is the body's operationId; "" when absent.
	OperationID string
	// Writes lists every user-data change in body order, one per pair (so
	// duplicate keys give duplicate writes): sets carry string, int64 or
	// wwe.UserData values; deletes carry none.
	Writes []policy.Write
	// KeyValues is the sets flattened, the last pair of a key winning; nil
	// when the body has no list of sets.
	KeyValues wwe.UserData
	// Key is the deleted key when the call deletes exactly one; else "".
	Key string
	// InteractionIDs are the interactions the call concerns: the route's
	// {id}, or the ids media-management/complete lists.
	InteractionIDs []string

	route   Route
	empty   bool // the body was empty: forwarded empty
	hasOpID bool
	hasData bool
	data    []member
}

// memberKind says how a member of data is re-encoded.
type memberKind int

const (
	kept    memberKind = iota // a value the door does not read, re-encoded compact
	sets                      // a KV list of sets: Encode drops pairs
	deletes                   // a KV list whose keys are deleted (deletedProperties): Encode drops pairs
	keyList                   // a list of keys to delete: Encode drops keys
	oneKey                    // data.key: Encode drops the member
	otherKV                   // reasons, extensions, extension: a KV list, decided on nothing
)

// member is one member of data, in body order.
type member struct {
	name string
	kind memberKind
	raw  json.RawMessage // kept
	kv   KV              // sets, deletes, otherKV
	keys []string        // keyList; oneKey has its key as keys[0]
}

// ErrNotDecided is DecodeCall's error for a route the policies do not
// decide.
var ErrNotDecided = errors.New("not a decided route")

// nestingSlack is the JSON nesting a body adds around its deepest KV list:
// body, data, list, pair.
const nestingSlack = 4

// DecodeCall decodes the body of a decided route strictly (DESIGN.md
// §8.1): a JSON object of "operationId" (a string) and "data" (an object)
// only; the route's user data in the shape its Shape names, with KV lists
// held to the client contract (see strict.kv) and lim; reasons and
// extensions held as KV lists too; and no other member, at any depth, whose
// name is user data's (userData, *Properties, *UserData). An empty body is
// an empty request. Every error about the body wraps ErrBody; a route that
// is not Decided is a programming error (ErrNotDecided). Limits must be
// positive: a zero limit admits nothing.
func DecodeCall(r Route, body []byte, lim Limits) (*Call, error) {
	if r.Kind != Decided {
		return nil, fmt.Errorf("%w: %s %s", ErrNotDecided, r.Method, r.Path)
	}
	c := &Call{Operation: r.Operation, route: r}
	if r.InteractionID != "" {
		c.InteractionIDs = []string{r.InteractionID}
	}
	if len(bytes.TrimSpace(body)) == 0 {
		c.empty = true
		return c, c.finish()
	}
	if err := checkSyntax(body, nestingSlack+2*lim.MaxDepth+2); err != nil {
		return nil, err
	}
	top, err := parseObject(body)
	if err != nil {
		return nil, err
	}
	s := &strict{lim: lim}
	for _, f := range top {
		switch {
		case f.name == "operationId" && !isNull(f.raw):
			if err := decodeString(f.raw, &c.OperationID); err != nil {
				return nil, bodyError("operationId is not a string")
			}
			c.hasOpID = true
		case f.name == "operationId":
		case f.name == "data" && !isNull(f.raw):
			if err := c.decodeData(s, f.raw); err != nil {
				return nil, err
			}
		case f.name == "data":
		default:
			return nil, bodyError("unknown member %q", f.name)
		}
	}
	return c, c.finish()
}

// decodeData decodes the members of data in order.
func (c *Call) decodeData(s *strict, raw json.RawMessage) error {
	fields, err := parseObject(raw)
	if err != nil {
		return bodyError("data is not an object")
	}
	c.hasData = true
	for _, f := range fields {
		m, err := c.decodeMember(s, f)
		if err != nil {
			return err
		}
		c.data = append(c.data, m)
	}
	return nil
}
