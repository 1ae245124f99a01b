package mail

import (
	"bytes"
	"crypto"
	"crypto/ed25519"
	"crypto/rsa"
	"crypto/x509"
	"encoding/base64"
	"encoding/pem"
	"errors"
	"fmt"
	"os"

	"github.com/emersion/go-msgauth/dkim"
)

// SignedHeaders are the header fields every signature covers. A field that
// a message lacks (Reply-To) is still listed, so that nobody can add it on
// the way without breaking the signature.
var SignedHeaders = []string{"From", "To", "Subject", "Date", "Message-ID", "MIME-Version", "Content-Type", "Reply-To", "Auto-Submitted", "In-Reply-To", "References"}

// MinRSABits is the smallest RSA key LoadSigner accepts (RFC 8301 requires
// 1024 bits; receivers increasingly want 2048).
const MinRSABits = 2048

// Signer adds a DKIM-Signature to messages for one domain and selector.
type Signer struct {
	domain, selector string
	key              crypto.Signer
}

// LoadSigner reads a PEM private key (PKCS#1 "RSA PRIVATE KEY" or PKCS#8
// "PRIVATE KEY", RSA of at least MinRSABits or Ed25519) from keyFile. The
// errors say which: the file cannot be read, holds no PEM key, or holds an
// unsupported or too short key.
func LoadSigner(domain, selector, keyFile string) (*Signer, error) {
	if domain == "" || selector == "" {
		return nil, errors.New("dkim: domain and selector are both required")
	}
	data, err := os.ReadFile(keyFile)
	if err != nil {
		return nil, fmt.Errorf("dkim key file %s cannot be read: %w", keyFile, unwrapPath(err))
	}
	key, err := ParseKey(data)
	if err != nil {
		return nil, fmt.Errorf("dkim key file %s: %w", keyFile, err)
	}
	return &Signer{domain: domain, selector: selector, key: key}, nil
}

// ParseKey parses a PEM private key as LoadSigner does.
func ParseKey(data []byte) (crypto.Signer, error) {
	block, _ := pem.Decode(data)
	if block == nil {
		return nil, errors.New("no PEM block found; expected a private key beginning with -----BEGIN PRIVATE KEY----- or -----BEGIN RSA PRIVATE KEY-----")
	}
	var key any
	var err error
	switch block.Type {
	case "RSA PRIVATE KEY":
		key, err = x509.ParsePKCS1PrivateKey(block.Bytes)
	case "PRIVATE KEY":
		key, err = x509.ParsePKCS8PrivateKey(block.Bytes)
	default:
		return nil, fmt.Errorf("PEM block %q is not a private key; use PKCS#8 (BEGIN PRIVATE KEY) or PKCS#1 (BEGIN RSA PRIVATE KEY)", block.Type)
	}
	if err != nil {
		return nil, fmt.Errorf("the %s block does not parse: %v", block.Type, err)
	}
	switch k := key.(type) {
	case *rsa.PrivateKey:
		if k.N.BitLen() < MinRSABits {
			return nil, fmt.Errorf("RSA key of %d bits is too short; use at least %d bits", k.N.BitLen(), MinRSABits)
		}
		return k, nil
	case ed25519.PrivateKey:
		return k, nil
	default:
		return nil, fmt.Errorf("key type %T is not supported; DKIM signs with RSA or Ed25519 keys", key)
	}
}

// Algorithm returns "rsa-sha256" or "ed25519-sha256".
func (s *Signer) Algorithm() string {
	if _, ok := s.key.(ed25519.PrivateKey); ok {
		return "ed25519-sha256"
	}
	return "rsa-sha256"
}

// Domain and Selector return what the signer was loaded with.
func (s *Signer) Domain() string   { return s.domain }
func (s *Signer) Selector() string { return s.selector }

// DNSRecord returns the TXT record to publish at
// SELECTOR._domainkey.DOMAIN for this key, e.g. "v=DKIM1; k=ed25519; p=…".
func (s *Signer) DNSRecord() (string, error) {
	switch pub := s.key.Public().(type) {
	case ed25519.PublicKey:
		return "v=DKIM1; k=ed25519; p=" + b64(pub), nil
	case *rsa.PublicKey:
		der, err := x509.MarshalPKIXPublicKey(pub)
		if err != nil {
			return "", err
		}
		return "v=DKIM1; k=rsa; p=" + b64(der), nil
	}
	return "", fmt.Errorf("key type %T is not supported", s.key.Public())
}

// Sign returns msg with a DKIM-Signature header in front: relaxed/relaxed,
// SHA-256, over SignedHeaders and the whole body. msg must be final: any
// header added afterwards is unsigned, and a change to a signed one breaks
// the signature.
func (s *Signer) Sign(msg []byte) ([]byte, error) {
	var out bytes.Buffer
	out.Grow(len(msg) + 512)
	err := dkim.Sign(&out, bytes.NewReader(msg), &dkim.SignOptions{
		Domain:                 s.domain,
		Selector:               s.selector,
		Signer:                 s.key,
		Hash:                   crypto.SHA256,
		HeaderCanonicalization: dkim.CanonicalizationRelaxed,
		BodyCanonicalization:   dkim.CanonicalizationRelaxed,
		HeaderKeys:             SignedHeaders,
	})
	if err != nil {
		return nil, fmt.Errorf("dkim signing: %w", err)
	}
	return out.Bytes(), nil
}

func b64(b []byte) string { return base64.StdEncoding.EncodeToString(b) }
