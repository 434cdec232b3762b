package workspace

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
)

// The status codes of a successful reply ([client] ApiSuccessResponse).
// Any other code is an error and comes with a message.
const (
	CodeOK      = 0 // synchronous: the result is in data
	CodeAsync   = 1 // asynchronous: the result follows on CometD
	CodePartial = 2 // partly successful, synchronous: data and error
)

// Status is a reply's {"code","message"}.
type Status struct {
	Code    int    `json:"code"`
	Message string `json:"message,omitempty"`
}

// Envelope is the body of every v3 REST reply:
// {"status":{"code":N,"message":…},"operationId":…,"data":…}.
type Envelope struct {
	Status      Status          `json:"status"`
	OperationID string          `json:"operationId,omitempty"`
	Data        json.RawMessage `json:"data,omitempty"`
}

// Async is the reply to an accepted asynchronous operation:
// {"status":{"code":1},"operationId":id}.
func Async(operationID string) Envelope {
	return Envelope{Status: Status{Code: CodeAsync}, OperationID: operationID}
}

// Sync is the reply to a synchronous read: {"status":{"code":0},"data":…}.
func Sync(data any) (Envelope, error) {
	raw, err := json.Marshal(data)
	if err != nil {
		return Envelope{}, fmt.Errorf("encode data: %w", err)
	}
	return Envelope{Status: Status{Code: CodeOK}, Data: raw}, nil
}

// Failure is an error reply: {"status":{"code":code,"message":message}}.
// code must not be one of the success codes.
func Failure(code int, message string) Envelope {
	return Envelope{Status: Status{Code: code, Message: message}}
}

// Succeeded reports whether the status code is 0, 1 or 2.
func (e Envelope) Succeeded() bool {
	return e.Status.Code == CodeOK || e.Status.Code == CodeAsync || e.Status.Code == CodePartial
}

// Request is the body of a v3 POST: {"operationId"?:…,"data":{…}}. Data is
// left raw for the operation to decode.
type Request struct {
	OperationID string          `json:"operationId,omitempty"`
	Data        json.RawMessage `json:"data,omitempty"`
}

// ErrRequest is wrapped by every error DecodeRequest returns.
var ErrRequest = errors.New("invalid request body")

// DecodeRequest reads a v3 POST body. An empty body is an empty request;
// otherwise it must be one JSON object whose operationId, when present, is
// a string (the models type it as an object, the wire carries a string) and
// whose data, when present, is an object or null.
func DecodeRequest(body []byte) (Request, error) {
	trimmed := bytes.TrimSpace(body)
	if len(trimmed) == 0 {
		return Request{}, nil
	}
	var fields map[string]json.RawMessage
	d := json.NewDecoder(bytes.NewReader(trimmed))
	if err := d.Decode(&fields); err != nil || fields == nil {
		return Request{}, fmt.Errorf("%w: not a JSON object", ErrRequest)
	}
	if d.InputOffset() != int64(len(trimmed)) {
		return Request{}, fmt.Errorf("%w: data after the object", ErrRequest)
	}
	var req Request
	if op, ok := fields["operationId"]; ok && string(op) != "null" {
		if json.Unmarshal(op, &req.OperationID) != nil {
			return Request{}, fmt.Errorf("%w: operationId is not a string", ErrRequest)
		}
	}
	if data, ok := fields["data"]; ok && string(data) != "null" {
		if data[0] != '{' {
			return Request{}, fmt.Errorf("%w: data is not an object", ErrRequest)
		}
		req.Data = data
	}
	return req, nil
}
