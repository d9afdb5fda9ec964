package core

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"errors"
	"fmt"
	"math/big"
	"net"
	"os"
	"path/filepath"
	"time"
)

// TLS for `brickops emulator --tls`. Azure's identity library (MSAL, under
// azidentity) accepts only an https authority, so a user who wants
// brickops_workspace and the Azure auth types against a standalone
// emulator needs it served over HTTPS. The emulator makes a self-signed
// certificate for the loopback names once, keeps it in the data directory
// (so a restart does not invalidate trust), and writes a CA bundle — the
// system roots plus this certificate — for SSL_CERT_FILE, which Go programs
// (Terraform, the provider, this toolkit) read on Linux.

const (
	tlsCertFile   = "tls-cert.pem"
	tlsKeyFile    = "tls-key.pem"
	tlsBundleFile = "tls-ca-bundle.pem"
)

// systemBundles are where Linux distributions keep their CA bundle (the
// list Go's crypto/x509 root_linux.go searches).
var systemBundles = []string{
	"/etc/ssl/certs/ca-certificates.crt",
	"/etc/pki/tls/certs/ca-bundle.crt",
	"/etc/ssl/ca-bundle.pem",
	"/etc/pki/tls/cacert.pem",
	"/etc/pki/ca-trust/extracted/pem/tls-ca-bundle.pem",
	"/etc/ssl/cert.pem",
}

// loadOrCreateTLS returns the emulator's certificate from dataDir, creating
// it on first use, and the path of the CA bundle to trust.
func loadOrCreateTLS(dataDir string) (tls.Certificate, string, error) {
	certPath, keyPath := filepath.Join(dataDir, tlsCertFile), filepath.Join(dataDir, tlsKeyFile)
	if _, err := os.Stat(certPath); errors.Is(err, os.ErrNotExist) {
		certPEM, keyPEM, err := selfSignedPEM()
		if err != nil {
			return tls.Certificate{}, "", err
		}
		if err := os.WriteFile(keyPath, keyPEM, 0o600); err != nil {
			return tls.Certificate{}, "", fmt.Errorf("writing the TLS key: %w", err)
		}
		if err := os.WriteFile(certPath, certPEM, 0o644); err != nil {
			return tls.Certificate{}, "", fmt.Errorf("writing the TLS certificate: %w", err)
		}
	}
	cert, err := tls.LoadX509KeyPair(certPath, keyPath)
	if err != nil {
		return tls.Certificate{}, "", fmt.Errorf("loading the emulator's TLS certificate: %w", err)
	}
	certPEM, err := os.ReadFile(certPath)
	if err != nil {
		return tls.Certificate{}, "", err
	}
	bundle := certPEM
	for _, p := range systemBundles {
		if sys, err := os.ReadFile(p); err == nil {
			bundle = append(append(append([]byte{}, sys...), '\n'), certPEM...)
			break
		}
	}
	bundlePath := filepath.Join(dataDir, tlsBundleFile)
	if err := os.WriteFile(bundlePath, bundle, 0o644); err != nil {
		return tls.Certificate{}, "", fmt.Errorf("writing the CA bundle: %w", err)
	}
	return cert, bundlePath, nil
}

// SelfSignedCertificate makes a certificate for the loopback names, for
// in-process emulators served over HTTPS (emulatortest.StartTLS).
func SelfSignedCertificate() (tls.Certificate, error) {
	certPEM, keyPEM, err := selfSignedPEM()
	if err != nil {
		return tls.Certificate{}, err
	}
	return tls.X509KeyPair(certPEM, keyPEM)
}

// selfSignedPEM makes a self-signed CA certificate valid for localhost,
// 127.0.0.1 and ::1, and its key, PEM-encoded.
func selfSignedPEM() (certPEM, keyPEM []byte, err error) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, nil, fmt.Errorf("generating the TLS key: %w", err)
	}
	serial, err := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 120))
	if err != nil {
		return nil, nil, err
	}
	now := time.Now()
	tmpl := &x509.Certificate{
		SerialNumber:          serial,
		Subject:               pkix.Name{CommonName: "BrickOps emulator", Organization: []string{"BrickOps"}},
		NotBefore:             now.Add(-time.Hour),
		NotAfter:              now.AddDate(10, 0, 0),
		KeyUsage:              x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign,
		ExtKeyUsage:           []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		BasicConstraintsValid: true,
		IsCA:                  true,
		DNSNames:              []string{"localhost"},
		IPAddresses:           []net.IP{net.IPv4(127, 0, 0, 1), net.IPv6loopback},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		return nil, nil, fmt.Errorf("creating the TLS certificate: %w", err)
	}
	keyDER, err := x509.MarshalECPrivateKey(key)
	if err != nil {
		return nil, nil, err
	}
	return pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}),
		pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: keyDER}), nil
}
