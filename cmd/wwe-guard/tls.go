package main

import (
	"crypto/tls"
	"io"
	"log/slog"
	"net"

	"github.com/wwe-guard/wwe-guard/internal/serve"
)

// listenerTLS is the config's tls block: HTTPS on the listener, and mutual
// TLS when clientCAFile is set. The certificate files are read again when
// they change; the rest needs a restart.
type listenerTLS struct {
	CertFile     string `yaml:"certFile"`
	KeyFile      string `yaml:"keyFile"`
	ClientCAFile string `yaml:"clientCAFile"`
}

func (t listenerTLS) enabled() bool { return t != listenerTLS{} }

func (t listenerTLS) files() serve.TLSFiles {
	return serve.TLSFiles{CertFile: t.CertFile, KeyFile: t.KeyFile, ClientCAFile: t.ClientCAFile}
}

// problems checks that the files go together and load.
func (t listenerTLS) problems() []string {
	switch {
	case !t.enabled():
		return nil
	case t.CertFile == "" || t.KeyFile == "":
		return []string{"tls: certFile and keyFile are both required"}
	}
	if _, err := serve.TLSConfig(t.files(), slog.New(slog.NewTextHandler(io.Discard, nil))); err != nil {
		return []string{"tls: " + err.Error()}
	}
	return nil
}

// listen wraps ln in TLS when the config asks for it.
func (t listenerTLS) listen(ln net.Listener, log *slog.Logger) (net.Listener, error) {
	if !t.enabled() {
		return ln, nil
	}
	cfg, err := serve.TLSConfig(t.files(), log)
	if err != nil {
		return nil, err
	}
	return tls.NewListener(ln, cfg), nil
}
