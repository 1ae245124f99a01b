package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	netmail "net/mail"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/samkal/samkal/calendar"
	"github.com/samkal/samkal/config"
	"github.com/samkal/samkal/notify"
	"github.com/samkal/samkal/notify/mail"
)

// notifyCmd runs `samkal notify preview|run`.
func notifyCmd(ctx context.Context, e *env, args []string) int {
	if len(args) == 0 || args[0] == "-h" || args[0] == "-help" || args[0] == "--help" {
		w, code := e.stderr, exitUsage
		if len(args) > 0 {
			w, code = e.stdout, exitOK
		}
		fmt.Fprint(w, `Usage:
  samkal notify preview [--at TIME]
      list the emails that would be queued at TIME (default now) and those
      that would be skipped (pointless, no address, or impossible to write
      from the data); nothing is written or sent
  samkal notify run
      queue what is due now and send the outbox once, trying queued mail
      at once whatever its backoff says

Both take --config FILE and --db DSN, like serve, and may run beside a
running server: no email goes out twice. TIME is Swedish time,
"2026-12-01 08:00" or "2026-12-01T08:00", or RFC 3339.
`)
		return code
	}
	switch args[0] {
	case "preview":
		return notifyPreview(ctx, e, args[1:])
	case "run":
		return notifyRun(ctx, e, args[1:])
	}
	fmt.Fprintf(e.stderr, "samkal notify: unknown subcommand %q; use preview or run\n", args[0])
	return exitUsage
}

func notifyPreview(ctx context.Context, e *env, args []string) int {
	fs, path := flagSet(e, "notify preview", "[--at TIME]", "db")
	atFlag := fs.String("at", "", "the `time` to look at, Swedish time (\"2026-12-01 08:00\"); default now")
	rest, err := parseFlags(fs, args)
	if err != nil {
		return exitCode(err)
	}
	if len(rest) > 0 {
		fmt.Fprintf(e.stderr, "samkal notify preview: unexpected arguments %q\n", rest)
		return exitUsage
	}
	at := time.Now()
	if *atFlag != "" {
		if at, err = parseLocalTime(*atFlag); err != nil {
			fmt.Fprintf(e.stderr, "samkal notify preview: --at: %v\n", err)
			return exitUsage
		}
	}
	cfg, err := loadConfig(e, fs, *path)
	if err != nil {
		return exitUsage
	}
	log := newLogger(cfg, e.stderr)
	store, code := openStore(ctx, e, cfg, log)
	if store == nil {
		return code
	}
	defer store.Close()
	scanner, err := newScanner(cfg, store, nil, cfg.EffectiveBaseURL(cfg.Addr), log)
	if err != nil {
		fmt.Fprintf(e.stderr, "samkal notify preview: %v\n", err)
		return exitFailure
	}
	due, err := scanner.Find(ctx, at)
	if err != nil {
		fmt.Fprintf(e.stderr, "samkal notify preview: %v\n", err)
		return exitFailure
	}
	printDue(e.stdout, due, calendar.In(at), quietOf(cfg))
	return exitOK
}

// printDue writes the preview: one line per email, then the skipped ones
// with their reasons.
func printDue(w io.Writer, due []*notify.Due, at time.Time, quiet notify.Quiet) {
	const layout = "2006-01-02 15:04"
	var send, skip []*notify.Due
	for _, d := range due {
		if d.Skip == "" {
			send = append(send, d)
		} else {
			skip = append(skip, d)
		}
	}
	fmt.Fprintf(w, "At %s (Swedish time): %d email(s) would be queued, %d skipped.\n", at.Format(layout), len(send), len(skip))
	if quiet.At(at) {
		fmt.Fprintln(w, "This is quiet time: queued email waits until it ends.")
	}
	if len(send) > 0 {
		fmt.Fprintln(w)
		tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "DUE SINCE\tKIND\tTO\tSUBJECT")
		for _, d := range send {
			fmt.Fprintf(tw, "%s\t%s\t%s <%s>\t%s\n", calendar.In(d.At).Format(layout), d.Kind, d.To.Name, d.To.Email, d.Subject)
		}
		tw.Flush()
	}
	if len(skip) > 0 {
		fmt.Fprintln(w, "\nSkipped (recorded once, and logged, when the scan runs):")
		for _, d := range skip {
			to := ""
			if d.To != nil {
				to = " to " + d.To.Name
			}
			fmt.Fprintf(w, "  %s%s: %s (%s)\n", d.Kind, to, d.Skip, d.Key)
		}
	}
}

func notifyRun(ctx context.Context, e *env, args []string) int {
	fs, path := flagSet(e, "notify run", "", "db")
	rest, err := parseFlags(fs, args)
	if err != nil {
		return exitCode(err)
	}
	if len(rest) > 0 {
		fmt.Fprintf(e.stderr, "samkal notify run: unexpected arguments %q\n", rest)
		return exitUsage
	}
	cfg, err := loadConfig(e, fs, *path)
	if err != nil {
		return exitUsage
	}
	log := newLogger(cfg, e.stderr)
	m, err := newMailer(cfg)
	if err != nil {
		fmt.Fprintf(e.stderr, "samkal notify run: %v\n", err)
		return exitFailure
	}
	store, code := openStore(ctx, e, cfg, log)
	if store == nil {
		return code
	}
	defer store.Close()
	jobs, err := newJobs(cfg, store, m, cfg.EffectiveBaseURL(cfg.Addr), log, nil)
	if err != nil {
		fmt.Fprintf(e.stderr, "samkal notify run: %v\n", err)
		return exitFailure
	}
	p, err := jobs.RunPass(ctx, time.Now(), true)
	fmt.Fprintf(e.stdout, "queued %d new email(s), skipped %d; ", p.Scan.Enqueued, p.Scan.Skipped)
	if p.Quiet {
		fmt.Fprintln(e.stdout, "quiet time now, so nothing was sent.")
	} else {
		fmt.Fprintf(e.stdout, "sent %d, to retry later %d, failed %d, out of date %d.\n", p.Deliver.Sent, p.Deliver.Retried,
			p.Deliver.Failed, p.Deliver.Skipped)
	}
	if err != nil {
		fmt.Fprintf(e.stderr, "samkal notify run: %v\n", err)
		return exitFailure
	}
	return exitOK
}

// newScanner builds the scan from the configuration. signer may be nil
// (unsigned, or a preview that composes nothing).
func newScanner(cfg *config.Config, store calendar.Store, signer *mail.Signer, baseURL string, log *slog.Logger) (*notify.Scanner, error) {
	sendTime, err := config.ParseClock(cfg.Notify.SendTime)
	if err != nil {
		return nil, err
	}
	from := mail.Address{Name: cfg.RegionName, Address: "samkal@localhost"}
	if cfg.MailFrom != "" {
		a, err := netmail.ParseAddress(cfg.MailFrom)
		if err != nil {
			return nil, fmt.Errorf("mail_from %q is not an email address: %v", cfg.MailFrom, err)
		}
		from = mail.Address{Name: a.Name, Address: a.Address}
	}
	n := cfg.Notify
	return &notify.Scanner{
		Store: store,
		Timing: notify.Timing{SendTime: sendTime, CallDays: n.CallDays, CallDeadlineDays: n.CallDeadlineDays,
			NoticeDays: n.NoticeDays, JusteringReminderDays: n.JusteringReminderDays,
			BookingReminderDays: n.BookingReminderDays,
			CatchUp:             time.Duration(n.CatchUp)},
		From:    from,
		Signer:  signer,
		BaseURL: baseURL,
		Region:  cfg.RegionName,
		Logger:  log,
	}, nil
}

// newJobs builds the scan and the deliverer. Messages are signed when they
// are queued, so the deliverer's sender does not sign again.
func newJobs(cfg *config.Config, store calendar.Store, m *mailer, baseURL string, log *slog.Logger, metrics *notify.Metrics) (*notify.Jobs, error) {
	scanner, err := newScanner(cfg, store, m.signer, baseURL, log)
	if err != nil {
		return nil, err
	}
	scanner.Metrics = metrics
	return &notify.Jobs{
		Scanner: scanner,
		Deliverer: &notify.Deliverer{
			Store:   store,
			Sender:  m.unsigned,
			From:    m.from.Address,
			Worker:  notify.NewWorkerName(),
			Lease:   time.Duration(cfg.Notify.Lease),
			Batch:   cfg.Notify.Batch,
			Logger:  log,
			Metrics: metrics,
		},
		Quiet:  quietOf(cfg),
		Logger: log,
	}, nil
}

// quietOf returns the configured quiet time; Validate has checked it.
func quietOf(cfg *config.Config) notify.Quiet {
	q := notify.Quiet{Weekends: cfg.Notify.QuietWeekends}
	if cfg.Notify.QuietHours != "" {
		if from, to, err := config.ParseClockRange(cfg.Notify.QuietHours); err == nil {
			q.Hours, q.From, q.To = true, from, to
		}
	}
	return q
}

// parseLocalTime reads a time given on the command line: Swedish wall
// clock "2026-12-01 08:00" or "2026-12-01T08:00", or RFC 3339 with a zone.
func parseLocalTime(s string) (time.Time, error) {
	s = strings.TrimSpace(s)
	for _, layout := range []string{"2006-01-02 15:04", "2006-01-02T15:04"} {
		if t, err := time.ParseInLocation(layout, s, calendar.Location); err == nil {
			return t, nil
		}
	}
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return t, nil
	}
	return time.Time{}, fmt.Errorf("%q is not a time such as \"2026-12-01 08:00\" (Swedish time) or 2026-12-01T07:00:00Z", s)
}
