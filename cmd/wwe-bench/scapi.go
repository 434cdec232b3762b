package main

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"

	"github.com/coder/websocket"

	"github.com/wwe-guard/wwe-guard/internal/wwe"
)

// benchReference is the referenceId of every SCAPI message the load sends:
// a worker has one request in flight on its socket at a time.
const benchReference = "wwe-bench"

// envelopes turns the plan's requests into SCAPI envelopes (POST
// /v1/scapi): the same operations on the same interactions, with the same
// answers. The setup and cleanup stay on /v1.
func (p *plan) envelopes() {
	for op := range p.byOp {
		for i, r := range p.byOp[op] {
			p.byOp[op][i] = r.envelope()
		}
	}
}

// envelope is r as the SCAPI envelope of the same operation.
func (r request) envelope() request {
	id := interactionID(r.path)
	var name string
	params := []any{id}
	switch r.op {
	case opSet, opRefused:
		var kv map[string]any
		if err := json.Unmarshal([]byte(r.body), &kv); err != nil {
			panic(fmt.Sprintf("envelope: body %s: %v", r.body, err))
		}
		name, params = "setUserData", append(params, kv)
	case opGet:
		name = "getByInteractionId"
	case opDelete:
		name, params = "deleteUserData", append(params, deletedKey)
	case opMarkdone:
		name = "markdone"
	default:
		panic(fmt.Sprintf("envelope: unknown op %v", r.op))
	}
	body, err := json.Marshal(map[string]any{
		"request": "interaction." + name, "parameters": params,
		"referenceId": benchReference, "userAgent": "WWE Client", "protocolVersion": wwe.ProtocolVersion,
	})
	if err != nil {
		panic(err)
	}
	return request{op: r.op, method: http.MethodPost, path: "/v1/scapi", body: string(body), origin: r.origin}
}

// interactionID is the id in a path /v1/interactions/{id}[/...].
func interactionID(path string) string {
	rest := strings.TrimPrefix(path, "/v1/interactions/")
	id, _, _ := strings.Cut(rest, "/")
	return id
}

// socketSender sends a worker's envelopes over a SCAPI socket of its own
// (GET /v1/scapi/ws), opened at its first request and again after a
// failure. Only its worker uses it.
type socketSender struct {
	url    string
	header http.Header
	conn   *websocket.Conn
}

func newSocketSender(base string, header http.Header) *socketSender {
	return &socketSender{url: "ws" + strings.TrimPrefix(base, "http") + "/v1/scapi/ws", header: header}
}

// send sends r's envelope and reads up to its reply. The outcome is the
// status the envelope door would have answered: 200, or that of the
// reply's errorCode.
func (s *socketSender) send(ctx context.Context, r request) (outcome, error) {
	if s.conn == nil {
		conn, _, err := websocket.Dial(ctx, s.url, &websocket.DialOptions{HTTPHeader: s.header})
		if err != nil {
			if ctx.Err() != nil {
				return outcome{}, ctx.Err()
			}
			return outcome{code: codeTransport}, nil
		}
		conn.SetReadLimit(maxErrorBody)
		s.conn = conn
	}
	out, err := s.exchange(ctx, r)
	if err != nil {
		s.conn.CloseNow()
		s.conn = nil
		if ctx.Err() != nil {
			return outcome{}, ctx.Err()
		}
		return outcome{code: codeTransport}, nil
	}
	return out, nil
}

func (s *socketSender) exchange(ctx context.Context, r request) (outcome, error) {
	if err := s.conn.Write(ctx, websocket.MessageText, []byte(r.body)); err != nil {
		return outcome{}, err
	}
	for {
		_, b, err := s.conn.Read(ctx)
		if err != nil {
			return outcome{}, err
		}
		var reply struct {
			ReferenceID string `json:"referenceId"`
			ErrorCode   string `json:"errorCode"`
		}
		if json.Unmarshal(b, &reply) != nil || reply.ReferenceID != benchReference {
			continue // an event, or nothing of ours
		}
		if reply.ErrorCode == "" {
			return outcome{status: http.StatusOK}, nil
		}
		return outcome{status: wwe.Code(reply.ErrorCode).Status(), code: reply.ErrorCode}, nil
	}
}

func (s *socketSender) close() {
	if s.conn != nil {
		s.conn.Close(websocket.StatusNormalClosure, "")
		s.conn = nil
	}
}
