// Package mail is Samkal's sending layer: it composes an email (Compose),
// signs it with DKIM (Signer) and hands it to an SMTP server (Sender). It
// knows nothing of meetings or the outbox; the outbox decides what to send
// and uses SendError to decide whether to retry.
//
// Choices, and why:
//
//   - MIME comes from github.com/emersion/go-message: it encodes å, ä and ö
//     in headers (RFC 2047) and writes quoted-printable bodies, which
//     hand-written MIME tends to get wrong. Every message is
//     multipart/alternative (plain text first, then HTML, so that a reader
//     that shows only one part shows the richest it understands). With an
//     invitation it is multipart/mixed: the alternative part also carries
//     text/calendar with a METHOD parameter (what Outlook and Gmail act on)
//     and the same iCalendar follows as an invite.ics attachment (what other
//     clients offer to import).
//   - MIME boundaries are derived from the Message-ID, so composing the same
//     message twice gives the same bytes: golden files stay stable and a
//     retried message is byte-for-byte the one that was first tried.
//   - Nothing a user typed can add a header: names, subjects and whitelisted
//     extra headers with a CR or LF are rejected, not cleaned, so that a
//     broken value is seen rather than sent.
//   - Every message says Auto-Submitted: auto-generated (RFC 3834), so that
//     out-of-office replies are not sent back to Samkal.
//   - DKIM uses github.com/emersion/go-msgauth with relaxed/relaxed
//     canonicalisation (survives the header refolding and whitespace
//     changes relays make) and an explicit header list; the library's
//     defaults (simple/simple, every header) break on common relays. The
//     signature is made over the final bytes, after every header is added.
//     RSA (rsa-sha256) and Ed25519 (ed25519-sha256) keys are read from a PEM
//     file in PKCS#1 or PKCS#8 form.
//   - SMTP uses the github.com/emersion/go-smtp client directly rather than
//     its SendMail helper, which insists on STARTTLS and introduces itself
//     as "localhost": Sender dials with a context, supports none, starttls
//     and tls (implicit TLS, port 465), sends EHLO with a real host name and
//     authenticates with AUTH PLAIN only over TLS (or to a loopback server).
//   - Errors are classified for the outbox: a 4xx reply or a network error
//     is temporary (retry later), a 5xx reply is permanent (mark failed with
//     the server's answer).
package mail
