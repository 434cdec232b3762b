package workspace

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
)

// The Bayeux meta channels of a CometD long-polling exchange.
const (
	MetaHandshake   = "/meta/handshake"
	MetaConnect     = "/meta/connect"
	MetaSubscribe   = "/meta/subscribe"
	MetaUnsubscribe = "/meta/unsubscribe"
	MetaDisconnect  = "/meta/disconnect"
)

// The Workspace API v3 notification channels. A media interaction's events
// go to ChannelMedia and to MediaChannel(its mediatype).
const (
	ChannelInitialization = "/workspace/v3/initialization"
	ChannelVoice          = "/workspace/v3/voice"
	ChannelMedia          = "/workspace/v3/media"
)

// MediaChannel is the channel of one media type's interaction events,
// e.g. /workspace/v3/media/workitem.
func MediaChannel(mediatype string) string { return ChannelMedia + "/" + mediatype }

// The Bayeux errors GWS answers with.
const (
	// ErrorSessionUnknown answers a message whose clientId the server does
	// not know; its advice says reconnect by handshake.
	ErrorSessionUnknown = "402::session_unknown"
)

// Message is one Bayeux message, in a request or a reply. Fields that are
// absent stay zero and are left out when encoding; fields this struct does
// not name are dropped on decode. Subscription is a single channel: a
// subscribe that names several at once (a JSON array) does not decode.
type Message struct {
	ID                       string          `json:"id,omitempty"`
	Channel                  string          `json:"channel"`
	ClientID                 string          `json:"clientId,omitempty"`
	Subscription             string          `json:"subscription,omitempty"`
	Successful               *bool           `json:"successful,omitempty"`
	Error                    string          `json:"error,omitempty"`
	Advice                   *Advice         `json:"advice,omitempty"`
	Data                     json.RawMessage `json:"data,omitempty"`
	ConnectionType           string          `json:"connectionType,omitempty"`
	SupportedConnectionTypes []string        `json:"supportedConnectionTypes,omitempty"`
	Version                  string          `json:"version,omitempty"`
	MinimumVersion           string          `json:"minimumVersion,omitempty"`
	Ext                      json.RawMessage `json:"ext,omitempty"`
}

// Advice is a Bayeux advice. Timeout and Interval are milliseconds, and
// pointers because 0 is meaningful ("timeout":0 asks for an immediate
// answer) and must survive a round trip.
type Advice struct {
	Reconnect   string `json:"reconnect,omitempty"`
	Timeout     *int64 `json:"timeout,omitempty"`
	Interval    *int64 `json:"interval,omitempty"`
	MaxInterval *int64 `json:"maxInterval,omitempty"`
}

// IsMeta reports whether the message is on a /meta/ channel.
func (m Message) IsMeta() bool {
	return len(m.Channel) > len("/meta/") && m.Channel[:len("/meta/")] == "/meta/"
}

// Reply starts the server's answer to m: the same id and channel (and
// subscription, for a subscribe or unsubscribe) with "successful" set.
func (m Message) Reply(successful bool) Message {
	return Message{ID: m.ID, Channel: m.Channel, Subscription: m.Subscription, Successful: &successful}
}

// ErrBayeux is wrapped by every error DecodeMessages returns.
var ErrBayeux = errors.New("invalid Bayeux request")

// DecodeMessages reads a Bayeux request body: a JSON array of messages
// (what CometD clients send) or a single message object. An empty array,
// a message without a channel, and trailing data are errors.
func DecodeMessages(body []byte) ([]Message, error) {
	trimmed := bytes.TrimSpace(body)
	if len(trimmed) == 0 {
		return nil, fmt.Errorf("%w: empty body", ErrBayeux)
	}
	d := json.NewDecoder(bytes.NewReader(trimmed))
	var msgs []Message
	switch trimmed[0] {
	case '[':
		if err := d.Decode(&msgs); err != nil {
			return nil, fmt.Errorf("%w: %w", ErrBayeux, err)
		}
	case '{':
		var m Message
		if err := d.Decode(&m); err != nil {
			return nil, fmt.Errorf("%w: %w", ErrBayeux, err)
		}
		msgs = []Message{m}
	default:
		return nil, fmt.Errorf("%w: neither an array nor an object", ErrBayeux)
	}
	if d.InputOffset() != int64(len(trimmed)) {
		return nil, fmt.Errorf("%w: data after the messages", ErrBayeux)
	}
	if len(msgs) == 0 {
		return nil, fmt.Errorf("%w: no message", ErrBayeux)
	}
	for i, m := range msgs {
		if m.Channel == "" {
			return nil, fmt.Errorf("%w: message %d has no channel", ErrBayeux, i)
		}
	}
	return msgs, nil
}
