package service

import (
	"crypto/tls"
	"net/http"
)

// UseTLS sets how the client trusts the service and which client
// certificate it presents; call it before the client is used.
func (c *Client) UseTLS(cfg *tls.Config) {
	if t, ok := c.http.Transport.(*http.Transport); ok {
		t.TLSClientConfig = cfg
	}
}

// WrapTransport wraps the transport of every call to the service (for
// metrics); call it before the client is used.
func (c *Client) WrapTransport(wrap func(http.RoundTripper) http.RoundTripper) {
	c.http.Transport = wrap(c.http.Transport)
}
