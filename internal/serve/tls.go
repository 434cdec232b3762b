package serve

import (
	"crypto/tls"
	"crypto/x509"
	"fmt"
	"log/slog"
	"os"
	"sync"
	"time"
)

// TLSFiles are the listener's certificate and key, and the CA its clients'
// certificates must chain to (mutual TLS; "" for none).
type TLSFiles struct {
	CertFile, KeyFile, ClientCAFile string
}

// certCheckEvery bounds how often a handshake looks at the certificate
// files for a change.
const certCheckEvery = time.Second

// TLSConfig loads f for a listener. The certificate is read again when its
// files change (a renewal, or a Kubernetes Secret's symlink swap), looked
// at no more than once a second; a change that does not load is logged and
// the last good certificate stays.
func TLSConfig(f TLSFiles, log *slog.Logger) (*tls.Config, error) {
	r := &certReloader{files: f, log: log}
	if err := r.load(); err != nil {
		return nil, err
	}
	cfg := &tls.Config{MinVersion: tls.VersionTLS12, GetCertificate: r.get, NextProtos: []string{"http/1.1"}}
	if f.ClientCAFile != "" {
		pool, err := CertPool(f.ClientCAFile)
		if err != nil {
			return nil, fmt.Errorf("clientCAFile: %w", err)
		}
		cfg.ClientCAs, cfg.ClientAuth = pool, tls.RequireAndVerifyClientCert
	}
	return cfg, nil
}

// CertPool reads the PEM certificates of a CA file.
func CertPool(file string) (*x509.CertPool, error) {
	pem, err := os.ReadFile(file)
	if err != nil {
		return nil, err
	}
	pool := x509.NewCertPool()
	if !pool.AppendCertsFromPEM(pem) {
		return nil, fmt.Errorf("%s: no PEM certificate in it", file)
	}
	return pool, nil
}

type certReloader struct {
	files TLSFiles
	log   *slog.Logger

	mu      sync.Mutex
	cert    *tls.Certificate
	stamp   string // the files' sizes and modification times when cert was read
	checked time.Time
}

// stampOf names the current state of the certificate files; it follows
// symlinks, so a swapped link target counts as a change.
func (r *certReloader) stampOf() (string, error) {
	var stamp string
	for _, name := range []string{r.files.CertFile, r.files.KeyFile} {
		fi, err := os.Stat(name)
		if err != nil {
			return "", err
		}
		stamp += fmt.Sprintf("%d/%d;", fi.Size(), fi.ModTime().UnixNano())
	}
	return stamp, nil
}

// load reads the certificate; the caller holds mu or is the only user.
func (r *certReloader) load() error {
	stamp, err := r.stampOf()
	if err != nil {
		return fmt.Errorf("tls certificate: %w", err)
	}
	cert, err := tls.LoadX509KeyPair(r.files.CertFile, r.files.KeyFile)
	if err != nil {
		return fmt.Errorf("tls certificate: %w", err)
	}
	r.cert, r.stamp = &cert, stamp
	return nil
}

func (r *certReloader) get(*tls.ClientHelloInfo) (*tls.Certificate, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if now := time.Now(); now.Sub(r.checked) >= certCheckEvery {
		r.checked = now
		if stamp, err := r.stampOf(); err == nil && stamp != r.stamp {
			if err := r.load(); err != nil {
				r.log.Error("tls certificate changed but does not load; keeping the last good one", "err", err)
				r.stamp = stamp // do not retry until the files change again
			} else {
				r.log.Info("tls certificate reloaded", "certFile", r.files.CertFile)
			}
		}
	}
	return r.cert, nil
}
