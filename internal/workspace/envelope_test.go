package workspace

import (
	"encoding/json"
	"errors"
	"testing"
)

func TestEnvelopes(t *testing.T) {
	t.Parallel()
	sync, err := Sync(map[string]any{"user": map[string]any{"dn": "7001"}})
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		env       Envelope
		want      string
		succeeded bool
	}{
		{Async("op-upd-1"), `{"status":{"code":1},"operationId":"op-upd-1"}`, true},
		{sync, `{"status":{"code":0},"data":{"user":{"dn":"7001"}}}`, true},
		{Failure(404, "Call nosuch not found"), `{"status":{"code":404,"message":"Call nosuch not found"}}`, false},
		{Envelope{Status: Status{Code: CodePartial}}, `{"status":{"code":2}}`, true},
	}
	for _, tt := range tests {
		out, err := json.Marshal(tt.env)
		if err != nil {
			t.Fatal(err)
		}
		if string(out) != tt.want || tt.env.Succeeded() != tt.succeeded {
			t.Errorf("got %s (succeeded %v), want %s (%v)", out, tt.env.Succeeded(), tt.want, tt.succeeded)
		}
	}
}

func TestDecodeRequest(t *testing.T) {
	t.Parallel()
	req, err := DecodeRequest([]byte(`{"operationId":"op-1","data":{"key":"K"}}`))
	if err != nil || req.OperationID != "op-1" || string(req.Data) != `{"key":"K"}` {
		t.Fatalf("got %+v %v", req, err)
	}
	for _, body := range []string{``, ` `, `{}`, `{"data":null,"operationId":null}`} {
		if req, err := DecodeRequest([]byte(body)); err != nil || req.OperationID != "" || req.Data != nil {
			t.Errorf("DecodeRequest(%q) = %+v %v", body, req, err)
		}
	}
	for _, body := range []string{`[]`, `{"operationId":{}}`, `{"data":[]}`, `{"data":"x"}`, `{}{}`, `{"data":{}`, `null`} {
		if _, err := DecodeRequest([]byte(body)); !errors.Is(err, ErrRequest) {
			t.Errorf("DecodeRequest(%s) = %v, want ErrRequest", body, err)
		}
	}
}
