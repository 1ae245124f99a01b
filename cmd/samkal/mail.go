package main

import (
	"context"
	"errors"
	"fmt"
	netmail "net/mail"
	"time"

	"github.com/samkal/samkal/config"
	"github.com/samkal/samkal/notify/mail"
)

// mailCmd runs `samkal mail SUBCOMMAND`; today only `test`.
func mailCmd(ctx context.Context, e *env, args []string) int {
	if len(args) == 0 || args[0] == "-h" || args[0] == "-help" || args[0] == "--help" {
		w, code := e.stderr, exitUsage
		if len(args) > 0 {
			w, code = e.stdout, exitOK
		}
		fmt.Fprint(w, "Usage:\n  samkal mail test --to ADDRESS [--config FILE]\n      send a DKIM-signed test message through the configured SMTP server\n")
		return code
	}
	if args[0] != "test" {
		fmt.Fprintf(e.stderr, "samkal mail: unknown subcommand %q; use test\n", args[0])
		return exitUsage
	}
	fs, path := flagSet(e, "mail test", "--to ADDRESS")
	to := fs.String("to", "", "send the test message to this `address`")
	rest, err := parseFlags(fs, args[1:])
	if err != nil {
		return exitCode(err)
	}
	if len(rest) > 0 {
		fmt.Fprintf(e.stderr, "samkal mail test: unexpected arguments %q\n", rest)
		return exitUsage
	}
	rcpt, err := netmail.ParseAddress(*to)
	if *to == "" || err != nil {
		fmt.Fprintf(e.stderr, "samkal mail test: --to must be an email address, got %q\n", *to)
		return exitUsage
	}
	cfg, err := loadConfig(e, fs, *path)
	if err != nil {
		return exitUsage
	}
	m, err := newMailer(cfg)
	if err != nil {
		fmt.Fprintf(e.stderr, "samkal mail test: %v\n", err)
		return exitFailure
	}
	msg := &mail.Message{
		From:    m.from,
		To:      []mail.Address{{Name: rcpt.Name, Address: rcpt.Address}},
		Subject: "Testmeddelande från Samkal – " + cfg.RegionName,
		Text: "Hej!\n\nDet här är ett testmeddelande från Samkal. Kommer det fram, och visar din e-postklient " +
			"att det är signerat (DKIM), så fungerar utskicken av kallelser, påminnelser och justeringar.\n\n" +
			"Du behöver inte svara.\n",
		HTML: "<p>Hej!</p><p>Det här är ett testmeddelande från Samkal. Kommer det fram, och visar din e-postklient " +
			"att det är signerat (DKIM), så fungerar utskicken av kallelser, påminnelser och justeringar.</p>" +
			"<p>Du behöver inte svara.</p>",
		Date:    time.Now(),
		Headers: map[string]string{"X-Samkal-Kind": "test"},
	}
	raw, err := mail.Compose(msg)
	if err != nil {
		fmt.Fprintf(e.stderr, "samkal mail test: %v\n", err)
		return exitFailure
	}
	if err := m.sender.Send(ctx, m.from.Address, []string{rcpt.Address}, raw); err != nil {
		fmt.Fprintf(e.stderr, "samkal mail test: %v\n", err)
		return exitFailure
	}
	signed := "unsigned (no [dkim] configured)"
	if m.signer != nil {
		signed = fmt.Sprintf("signed %s d=%s s=%s", m.signer.Algorithm(), m.signer.Domain(), m.signer.Selector())
	}
	fmt.Fprintf(e.stdout, "sent a test message to %s via %s, %s\n", rcpt.Address, m.sender.Addr(), signed)
	return exitOK
}

// mailer is what sending needs, built from the configuration.
type mailer struct {
	sender *mail.Sender // signs each message it sends (mail test)
	// unsigned sends messages as they are: outbox messages were signed
	// when they were queued.
	unsigned *mail.Sender
	signer   *mail.Signer // nil when [dkim] is not configured
	from     mail.Address
}

// newMailer builds the SMTP sender, the DKIM signer and the sender address
// from cfg. It fails when no SMTP host is configured, or the password file
// or DKIM key cannot be used (Validate has checked them, but files change).
// serve can use it with Sender.Check for the start-up warning.
func newMailer(cfg *config.Config) (*mailer, error) {
	if cfg.SMTP.Host == "" {
		return nil, errors.New("no SMTP server configured: set smtp.host (SAMKAL_SMTP_HOST) and mail_from (SAMKAL_MAIL_FROM)")
	}
	from, err := netmail.ParseAddress(cfg.MailFrom)
	if err != nil {
		return nil, fmt.Errorf("mail_from %q is not an email address: %v", cfg.MailFrom, err)
	}
	password, err := cfg.SMTPSecret()
	if err != nil {
		return nil, err
	}
	var signer *mail.Signer
	if cfg.DKIM.KeyFile != "" {
		if signer, err = mail.LoadSigner(cfg.DKIM.Domain, cfg.DKIM.Selector, cfg.DKIM.KeyFile); err != nil {
			return nil, err
		}
	}
	smtpCfg := mail.SMTPConfig{
		Host:     cfg.SMTP.Host,
		Port:     cfg.SMTP.Port,
		TLS:      cfg.SMTP.TLS,
		Username: cfg.SMTP.Username,
		Password: password,
		Timeout:  time.Duration(cfg.SMTP.Timeout),
	}
	return &mailer{sender: mail.NewSender(smtpCfg, signer), unsigned: mail.NewSender(smtpCfg, nil), signer: signer,
		from: mail.Address{Name: from.Name, Address: from.Address}}, nil
}
