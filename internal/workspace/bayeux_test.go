package workspace

import (
	"encoding/json"
	"errors"
	"testing"
)

func TestDecodeMessages(t *testing.T) {
	t.Parallel()
	// The official client's handshake and first connect (WORKSPACE-V3.md §7.2).
	msgs, err := DecodeMessages([]byte(` [{"id":"1","version":"1.0","minimumVersion":"1.0","channel":"/meta/handshake",` +
		`"supportedConnectionTypes":["long-polling","callback-polling"],"advice":{"timeout":60000,"interval":0}},` +
		`{"id":"2","channel":"/meta/connect","connectionType":"long-polling","advice":{"timeout":0},"clientId":"c"}] `))
	if err != nil {
		t.Fatal(err)
	}
	if len(msgs) != 2 || msgs[0].Channel != MetaHandshake || *msgs[0].Advice.Timeout != 60000 || *msgs[0].Advice.Interval != 0 {
		t.Fatalf("got %+v", msgs)
	}
	if a := msgs[1].Advice; a == nil || a.Timeout == nil || *a.Timeout != 0 || a.Interval != nil {
		t.Errorf("connect advice %+v: timeout 0 must survive, interval absent", a)
	}
	if !msgs[1].IsMeta() {
		t.Error("connect is not meta")
	}
	one, err := DecodeMessages([]byte(`{"channel":"/meta/subscribe","subscription":"/workspace/v3/voice","clientId":"c","id":"3"}`))
	if err != nil || len(one) != 1 || one[0].Subscription != ChannelVoice {
		t.Fatalf("single object: %+v %v", one, err)
	}
	reply, err := json.Marshal(one[0].Reply(true))
	if err != nil {
		t.Fatal(err)
	}
	if want := `{"id":"3","channel":"/meta/subscribe","subscription":"/workspace/v3/voice","successful":true}`; string(reply) != want {
		t.Errorf("reply %s, want %s", reply, want)
	}
}

func TestDecodeMessagesRejects(t *testing.T) {
	t.Parallel()
	for _, body := range []string{``, `[]`, `"x"`, `[{"id":"1"}]`, `[{"channel":"/meta/connect"}]x`, `{"channel":1}`,
		`[{"channel":"/meta/subscribe","subscription":["/a","/b"]}]`} {
		if _, err := DecodeMessages([]byte(body)); !errors.Is(err, ErrBayeux) {
			t.Errorf("DecodeMessages(%s) = %v, want ErrBayeux", body, err)
		}
	}
}

func TestMediaChannel(t *testing.T) {
	t.Parallel()
	if got := MediaChannel("workitem"); got != "/workspace/v3/media/workitem" {
		t.Errorf("MediaChannel = %s", got)
	}
	if (Message{Channel: "/workspace/v3/voice"}).IsMeta() || (Message{Channel: "/meta/"}).IsMeta() {
		t.Error("IsMeta")
	}
}
