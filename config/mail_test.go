package config

import (
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/pem"
	"strings"
	"testing"
	"time"
)

// pemKey returns key as a PKCS#8 PEM file's content.
func pemKey(t *testing.T, key any) string {
	t.Helper()
	der, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		t.Fatal(err)
	}
	return string(pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der}))
}

func TestMailSettings(t *testing.T) {
	_, edKey, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	rsaKey, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	ecKey, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	edFile := writeFile(t, "ed.pem", pemKey(t, edKey))
	rsaFile := writeFile(t, "rsa.pem", string(pem.EncodeToMemory(&pem.Block{Type: "RSA PRIVATE KEY", Bytes: x509.MarshalPKCS1PrivateKey(rsaKey)})))
	ecFile := writeFile(t, "ec.pem", pemKey(t, ecKey))
	notKey := writeFile(t, "not.pem", "inte en nyckel\n")
	pwFile := writeFile(t, "smtp-password", "  hemligt  \n")

	base := map[string]string{
		"SAMKAL_SMTP_HOST":     "smtp.region.example.se",
		"SAMKAL_SMTP_PORT":     "465",
		"SAMKAL_SMTP_TLS":      "tls",
		"SAMKAL_SMTP_USERNAME": "samkal",
		"SAMKAL_SMTP_PASSWORD": "hemligt",
		"SAMKAL_MAIL_FROM":     "Samkal – Region Örebro län <samkal@region.example.se>",
		"SAMKAL_DKIM_DOMAIN":   "region.example.se",
		"SAMKAL_DKIM_SELECTOR": "samkal2026",
		"SAMKAL_DKIM_KEY_FILE": edFile,
	}
	tests := []struct {
		name    string
		env     map[string]string
		wantErr string // "" for a valid configuration
	}{
		{"all set, Ed25519", nil, ""},
		{"RSA PKCS#1 with algorithm", map[string]string{"SAMKAL_DKIM_KEY_FILE": rsaFile, "SAMKAL_DKIM_ALGORITHM": "rsa-sha256"}, ""},
		{"password from file", map[string]string{"SAMKAL_SMTP_PASSWORD": "", "SAMKAL_SMTP_PASSWORD_FILE": pwFile}, ""},
		{"no mail at all", map[string]string{"SAMKAL_SMTP_HOST": "", "SAMKAL_MAIL_FROM": "", "SAMKAL_DKIM_DOMAIN": "", "SAMKAL_DKIM_SELECTOR": "", "SAMKAL_DKIM_KEY_FILE": ""}, ""},
		{"unsigned relay on localhost", map[string]string{"SAMKAL_SMTP_HOST": "localhost", "SAMKAL_SMTP_TLS": "none", "SAMKAL_DKIM_DOMAIN": "", "SAMKAL_DKIM_SELECTOR": "", "SAMKAL_DKIM_KEY_FILE": ""}, ""},
		{"unknown tls", map[string]string{"SAMKAL_SMTP_TLS": "ssl"}, `smtp.tls: "ssl" is unknown; use one of none, starttls, tls (set by SAMKAL_SMTP_TLS)`},
		{"port out of range", map[string]string{"SAMKAL_SMTP_PORT": "70000"}, "smtp.port: must be from 1 to 65535, got 70000"},
		{"port not a number", map[string]string{"SAMKAL_SMTP_PORT": "smtp"}, "SAMKAL_SMTP_PORT"},
		{"host with port", map[string]string{"SAMKAL_SMTP_HOST": "smtp.example.se:587"}, "smtp.host"},
		{"clear-text password", map[string]string{"SAMKAL_SMTP_TLS": "none"}, "smtp.tls: none would send the SMTP password in clear text"},
		{"password twice", map[string]string{"SAMKAL_SMTP_PASSWORD_FILE": pwFile}, "set smtp.password or smtp.password_file, not both"},
		{"password file missing", map[string]string{"SAMKAL_SMTP_PASSWORD": "", "SAMKAL_SMTP_PASSWORD_FILE": pwFile + ".saknas"}, "smtp.password_file: " + pwFile + ".saknas cannot be read: no such file or directory"},
		{"no sender", map[string]string{"SAMKAL_MAIL_FROM": ""}, "mail_from: is required when smtp.host is set"},
		{"sender not an address", map[string]string{"SAMKAL_MAIL_FROM": "Samkal"}, `mail_from: "Samkal" is not an email address`},
		{"sender outside the DKIM domain", map[string]string{"SAMKAL_MAIL_FROM": "samkal@annan.example.se"}, `mail_from: domain "annan.example.se" is not dkim.domain "region.example.se" or below it`},
		{"DKIM without selector", map[string]string{"SAMKAL_DKIM_SELECTOR": ""}, "dkim.selector: is required"},
		{"DKIM key unreadable", map[string]string{"SAMKAL_DKIM_KEY_FILE": edFile + ".saknas"}, "dkim.key_file: " + edFile + ".saknas cannot be read: no such file or directory"},
		{"DKIM key not a key", map[string]string{"SAMKAL_DKIM_KEY_FILE": notKey}, "holds no PEM private key"},
		{"DKIM key of an unsupported type", map[string]string{"SAMKAL_DKIM_KEY_FILE": ecFile}, "holds a *ecdsa.PrivateKey key; DKIM signs with RSA or Ed25519"},
		{"DKIM key not matching the algorithm", map[string]string{"SAMKAL_DKIM_ALGORITHM": "rsa-sha256"}, "holds a key for ed25519-sha256 but dkim.algorithm is rsa-sha256"},
		{"DKIM algorithm unknown", map[string]string{"SAMKAL_DKIM_ALGORITHM": "rsa-sha1"}, `dkim.algorithm: "rsa-sha1" is unknown`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			env := map[string]string{}
			for k, v := range base {
				env[k] = v
			}
			for k, v := range tt.env {
				env[k] = v
			}
			c, err := Load("", environ(env), nil)
			if tt.wantErr == "" {
				if err != nil {
					t.Fatalf("Load: %v", err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Fatalf("Load error = %v\nwant one containing %q", err, tt.wantErr)
			}
			if c != nil {
				t.Error("Load returned a configuration along with problems")
			}
		})
	}
}

func TestMailSettingsLoaded(t *testing.T) {
	pwFile := writeFile(t, "smtp-password", "  hemligt  \n")
	file := writeFile(t, "samkal.toml", `
mail_from = "samkal@region.example.se"
[smtp]
host = "smtp.region.example.se"
port = 465
tls = "tls"
username = "samkal"
password_file = "`+pwFile+`"
timeout = "10s"
`)
	c, err := Load(file, environ(map[string]string{"SAMKAL_SMTP_PORT": "2465"}), nil)
	if err != nil {
		t.Fatal(err)
	}
	if c.SMTP.Host != "smtp.region.example.se" || c.SMTP.Port != 2465 || c.SMTP.TLS != "tls" || c.SMTP.Timeout != Duration(10*time.Second) {
		t.Errorf("SMTP = %+v", c.SMTP)
	}
	if pw, err := c.SMTPSecret(); err != nil || pw != "hemligt" {
		t.Errorf("SMTPSecret() = %q, %v; want the file's password without whitespace", pw, err)
	}
	if got := c.Source("smtp.port"); got != "SAMKAL_SMTP_PORT" {
		t.Errorf("Source(smtp.port) = %q, want SAMKAL_SMTP_PORT", got)
	}
	c.SMTP.Password = "hemligt-i-klartext"
	if s := c.String(); strings.Contains(s, "hemligt-i-klartext") || !strings.Contains(s, "port = 2465\n") {
		t.Errorf("String() leaks the password or quotes the port:\n%s", s)
	}
}
