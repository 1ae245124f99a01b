package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"

	"github.com/samkal/samkal/api"
	"github.com/samkal/samkal/calendar"
	"github.com/samkal/samkal/calendar/arsplan"
	"github.com/samkal/samkal/calendar/busy"
	"github.com/samkal/samkal/calendar/sqlstore"
	"github.com/samkal/samkal/config"
	"github.com/samkal/samkal/examples"
	"github.com/samkal/samkal/notify"
)

// stopGrace is the part of the shutdown timeout (at most half of it) left
// to requests after their contexts are cancelled: to answer 503 and unwind,
// so that the server exits within the timeout even on a busy machine.
const stopGrace = 2 * time.Second

// demoBody is the body whose feed and meetings the start message points at.
const demoBody = "chefsgrupp-folkhalsa"

// demoSecretary is the example region's person whose sign-in link serve
// --demo prints: a secretary of several bodies.
const demoSecretary = "maria-lindborg"

// serve runs the HTTP server until ctx ends, then stops in a fixed order:
// the HTTP server (finishing requests in flight), then the database.
func serve(ctx context.Context, e *env, args []string) int {
	fs, path := flagSet(e, "serve", "", "db", "addr")
	demo := fs.Bool("demo", false, "load the example region into an empty database, and allow writes with a token made for this session when none is configured")
	rest, err := parseFlags(fs, args)
	if err != nil {
		return exitCode(err)
	}
	if len(rest) > 0 {
		fmt.Fprintf(e.stderr, "samkal serve: unexpected arguments %q\n", rest)
		return exitUsage
	}
	cfg, err := loadConfig(e, fs, *path)
	if err != nil {
		return exitUsage
	}
	log := newLogger(cfg, e.stderr)
	token, err := cfg.AdminSecret()
	if err != nil { // the file was readable when the configuration was checked
		fmt.Fprintf(e.stderr, "samkal serve: %v\n", err)
		return exitFailure
	}
	var oidcOpts *api.OIDCOptions
	if cfg.OIDC.Issuer != "" {
		secret, err := cfg.OIDCSecret()
		if err != nil { // readable when the configuration was checked, as above
			fmt.Fprintf(e.stderr, "samkal serve: %v\n", err)
			return exitFailure
		}
		oidcOpts = &api.OIDCOptions{Issuer: cfg.OIDC.Issuer, ClientID: cfg.OIDC.ClientID, ClientSecret: secret,
			EmailClaim: cfg.OIDC.EmailClaim, ButtonText: cfg.OIDC.ButtonText}
	}

	store, code := openStore(ctx, e, cfg, log)
	if store == nil {
		return code
	}
	defer func() {
		if err := store.Close(); err != nil {
			log.Error("closing the database", "err", err)
		}
	}()
	if *demo {
		if err := loadDemo(ctx, store, log); err != nil {
			fmt.Fprintf(e.stderr, "samkal serve: loading the demo data: %v\n", err)
			return exitFailure
		}
	}
	generated := false
	if token == "" && *demo {
		token, generated = calendar.NewToken(), true
	}

	ln, err := net.Listen("tcp", cfg.Addr)
	if err != nil {
		fmt.Fprintf(e.stderr, "samkal serve: cannot listen on %s: %v\n", cfg.Addr, err)
		return exitFailure
	}
	// The host as configured ("localhost" reads better than 127.0.0.1),
	// the port as bound (addr may ask for port 0, any free port).
	host, _, _ := net.SplitHostPort(cfg.Addr)
	_, port, _ := net.SplitHostPort(ln.Addr().String())
	baseURL := cfg.EffectiveBaseURL(net.JoinHostPort(host, port))
	// Validate has checked trusted_proxies: this does not fail.
	trusted, _ := cfg.TrustedProxyPrefixes()
	registry := prometheus.NewRegistry()
	registry.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	// The mail jobs are built before the server, so that a sign-in link
	// queued by a request wakes their delivery at once; they start after
	// the server listens.
	var (
		m    *mailer
		jobs *notify.Jobs
	)
	if cfg.SMTP.Host != "" {
		if m, err = newMailer(cfg); err != nil {
			ln.Close()
			fmt.Fprintf(e.stderr, "samkal serve: %v\n", err)
			return exitFailure
		}
		if cfg.Notify.Schedule != "" {
			if jobs, err = buildJobs(cfg, store, m, baseURL, log, registry); err != nil {
				ln.Close()
				fmt.Fprintf(e.stderr, "samkal serve: %v\n", err)
				return exitFailure
			}
		}
	}
	// Validate has checked send_time: this does not fail.
	sendTime, err := config.ParseClock(cfg.Notify.SendTime)
	if err != nil {
		ln.Close()
		fmt.Fprintf(e.stderr, "samkal serve: notify.send_time: %v\n", err)
		return exitFailure
	}
	n := cfg.Notify
	mailTiming := &calendar.MailTiming{SendTime: sendTime, CallDays: n.CallDays, CallDeadlineDays: n.CallDeadlineDays,
		NoticeDays: n.NoticeDays, JusteringReminderDays: n.JusteringReminderDays}
	opts := api.Options{
		Store:      store,
		Ping:       store.Ping,
		Logger:     log,
		BaseURL:    baseURL,
		AdminToken: token,
		RegionName: cfg.RegionName,
		FeedPolicy: calendar.FeedPolicy{
			Lookback:           time.Duration(cfg.Feeds.Lookback),
			CancelledRetention: time.Duration(cfg.Feeds.CancelledRetention),
		},
		FeedRefresh:           time.Duration(cfg.Feeds.RefreshInterval),
		FeedVersionCheck:      time.Duration(cfg.Feeds.VersionCheck),
		Registry:              registry,
		JusteringDeadlineDays: cfg.Notify.JusteringDeadlineDays,
		MailTiming:            mailTiming,
		TrustedProxies:        trusted,
		SessionIdle:           time.Duration(cfg.Auth.SessionIdle),
		SessionLifetime:       time.Duration(cfg.Auth.SessionLifetime),
		OIDC:                  oidcOpts,
		Contact:               cfg.Auth.Contact,
	}
	if m != nil {
		signIn := &notify.SignInMail{From: m.from, Signer: m.signer, Region: cfg.RegionName}
		opts.SignInMail = signIn.Message
		calLink := &notify.CalendarLinkMail{From: m.from, Signer: m.signer, Region: cfg.RegionName}
		opts.CalendarLinkMail = calLink.Message
	}
	if jobs != nil {
		opts.MailQueued = jobs.Wake
		opts.MailRequested = jobs.Request
		opts.QueueMail = func(ctx context.Context) error {
			_, err := jobs.Scanner.Run(ctx, time.Now())
			return err
		}
	}
	// The secretary reads each letter before it goes, also on a server
	// that sends none yet: the letters are written by the scan's rules.
	preview, err := newScanner(cfg, store, nil, baseURL, log)
	if err != nil {
		ln.Close()
		fmt.Fprintf(e.stderr, "samkal serve: %v\n", err)
		return exitFailure
	}
	opts.PreviewLetter = previewLetter(preview)
	// The members' own calendars: fetched by their page and by the
	// refresh job, with the defaults (2 MiB, 10 s, never an internal
	// address).
	busyFetcher := &busy.Fetcher{}
	opts.BusyFetcher = busyFetcher
	srv, err := api.New(opts)
	if err != nil {
		ln.Close()
		fmt.Fprintf(e.stderr, "samkal serve: %v\n", err)
		return exitFailure
	}
	// Every request's context descends from base. Requests still running
	// near the end of the shutdown timeout are stopped through it (cause
	// api.ErrShuttingDown): planning and queries end at once and answer
	// 503, so that Shutdown returns in time and the database closes with
	// no transaction open.
	base, stopRequests := context.WithCancelCause(context.Background())
	defer stopRequests(nil)
	httpSrv := &http.Server{
		Handler:           srv.Handler(),
		BaseContext:       func(net.Listener) context.Context { return base },
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       30 * time.Second,
		WriteTimeout:      60 * time.Second,
		IdleTimeout:       120 * time.Second,
		MaxHeaderBytes:    64 << 10,
		ErrorLog:          slog.NewLogLogger(log.Handler(), slog.LevelWarn),
	}
	served := make(chan error, 1)
	go func() { served <- httpSrv.Serve(ln) }()

	log.Info("samkal started", "version", version(), "listen", ln.Addr().String(), "base_url", baseURL,
		"database", store.Engine(), "demo", *demo, "config", cfg)
	printWelcome(ctx, e.stdout, store, cfg, baseURL, token, generated)
	if oidcOpts != nil {
		go checkOIDC(ctx, srv, log)
	}
	stopRetention := startRetention(store, time.Duration(cfg.Auth.ChangeRetention), time.Duration(cfg.Notify.MailRetention), log)
	defer stopRetention()
	stopBusyRefresh := startBusyRefresh(store, busyFetcher, log)
	defer stopBusyRefresh()
	stopJobs := func() {}
	switch {
	case cfg.SMTP.Host == "":
		log.Info("no email is sent: smtp.host is not set (calls, kallelser and reminders wait until it is)")
	case cfg.Notify.Schedule == "":
		log.Info("the notify schedule is empty: this server sends no email; 'samkal notify run' does")
		go checkSMTP(ctx, cfg, log)
	default:
		go checkSMTP(ctx, cfg, log)
		stop, err := startJobs(cfg, jobs, log)
		if err != nil {
			fmt.Fprintf(e.stderr, "samkal serve: %v\n", err)
			httpSrv.Close()
			return exitFailure
		}
		stopJobs = stop
	}

	select {
	case <-ctx.Done():
		log.Info("stopping", "reason", context.Cause(ctx))
	case err := <-served:
		// Serve returns only on failure before Shutdown is called.
		log.Error("the HTTP server stopped", "err", err)
		return exitFailure
	}

	// The order matters: requests in flight finish while the database is
	// still open; the mail jobs stop after the HTTP server, the database
	// last (deferred above). Requests that would outlast the timeout are
	// stopped stopGrace (at most half of it) before its end.
	timeout := time.Duration(cfg.ShutdownTimeout)
	sctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	stopTimer := time.AfterFunc(timeout-min(stopGrace, timeout/2), func() {
		log.Info("stopping the requests still running", "timeout", timeout)
		stopRequests(api.ErrShuttingDown)
	})
	defer stopTimer.Stop()
	if err := httpSrv.Shutdown(sctx); err != nil {
		log.Error("the HTTP server did not stop in time; open connections were closed", "err", err, "timeout", timeout)
		stopRequests(api.ErrShuttingDown)
		httpSrv.Close()
	}
	if err := <-served; err != nil && !errors.Is(err, http.ErrServerClosed) {
		log.Error("the HTTP server failed while stopping", "err", err)
	}
	srv.Wait() // what answers left to do after them, while the database is open

	// A mail run in progress is cancelled: the message being sent is
	// finished and marked, claimed ones not yet tried are put back.
	stopJobs()
	log.Info("stopped")
	return exitOK
}

// loadDemo imports the example region into an empty database. A database
// that has data is left alone, so that a demo never overwrites real data or
// edits made in an earlier demo session.
func loadDemo(ctx context.Context, store calendar.Store, log *slog.Logger) error {
	v, err := store.DataVersion(ctx)
	if err != nil {
		return err
	}
	if v.Serial != 0 {
		log.Info("the database already has data; the demo data is not loaded", "last_change", v.At)
		return nil
	}
	data, err := examples.Files.ReadFile(examples.Region)
	if err != nil {
		return err
	}
	f, err := arsplan.Parse("examples/"+examples.Region, data)
	if err != nil {
		return err
	}
	rep, err := arsplan.Apply(ctx, store, f)
	if err != nil {
		return err
	}
	log.Info("demo data loaded", "file", examples.Region, "imported", rep.String())
	return nil
}

// printWelcome tells the person who started the server what to open and
// subscribe to. Lines about the demo body appear only when it exists.
func printWelcome(ctx context.Context, w io.Writer, store *sqlstore.Store, cfg *config.Config, base, token string, generated bool) {
	var b strings.Builder
	fmt.Fprintf(&b, "\nSamkal is running for %s (%s database %s).\n\n", cfg.RegionName, store.Engine(), config.RedactDSN(cfg.DB))
	fmt.Fprintf(&b, "  Start page:                    %s/\n", base)
	fmt.Fprintf(&b, "  Feed of the whole region:      %s/feeds/all.ics\n", base)
	body, err := store.FindBodyBySlug(ctx, demoBody)
	if err == nil {
		feed := base + "/feeds/bodies/" + body.Slug + ".ics"
		fmt.Fprintf(&b, "  Feed of %s:\n", body.Name)
		fmt.Fprintf(&b, "    subscribe in Outlook, Google or Thunderbird:  %s\n", feed)
		fmt.Fprintf(&b, "    open in Apple Calendar:                       %s\n", webcal(feed))
		fmt.Fprintf(&b, "  Its meetings in 2025 (JSON):   %s/api/v1/meetings?body=%s&year=2025\n", base, body.Slug)
	}
	b.WriteString("\n")
	switch {
	case token == "":
		b.WriteString("No admin token is configured: changes need a signed-in person or their API token.\n" +
			"Make the first admin with 'samkal users grant --person KEY --role admin' and sign in\n" +
			"with 'samkal users login-link --person KEY', or try 'samkal serve --demo'.\n")
	case generated:
		fmt.Fprintf(&b, "Admin token for this demo session (none is configured):\n  %s\n", token)
		// A secretary of the example region signs in with one click, to
		// see the pages as she does (her bodies come from her
		// sekreterare memberships).
		if secret, lerr := store.CreateSignInLink(ctx, demoSecretary, calendar.SignInLinkWindow); lerr == nil {
			fmt.Fprintf(&b, "Sign in as the secretary Maria Lindborg (one use, 15 minutes):\n  %s/logga-in/%s\n", base, secret)
		}
	}
	if token != "" && err == nil {
		year := 2025
		ms, ferr := store.FindMeetings(ctx, calendar.MeetingFilter{Bodies: []string{body.Slug}, Year: &year})
		if ferr == nil && len(ms) > 0 {
			m := ms[0]
			tok := "$SAMKAL_ADMIN_TOKEN"
			if generated {
				tok = token
			}
			// Local Swedish time, as the API accepts it, reads best here.
			const local = "2006-01-02T15:04"
			start, end := m.Start.Add(time.Hour).Format(local), m.End.Add(time.Hour).Format(local)
			fmt.Fprintf(&b, "Move the meeting of %s an hour later (feeds show the new time, calendars at their next refresh):\n", calendar.DateOf(m.Start))
			fmt.Fprintf(&b, "  curl -X PATCH -H \"Authorization: Bearer %s\" -H 'Content-Type: application/json' \\\n", tok)
			fmt.Fprintf(&b, "    -d '{\"start\": %q, \"end\": %q}' \\\n", start, end)
			fmt.Fprintf(&b, "    %s/api/v1/meetings/%d\n", base, m.ID)
		}
	}
	b.WriteString("\nStop with Ctrl+C.\n")
	io.WriteString(w, b.String())
}

// webcal turns an http(s) feed URL into the webcal:// form that opens a
// subscription in Apple Calendar (and most desktop clients).
func webcal(u string) string {
	_, rest, _ := strings.Cut(u, "://")
	return "webcal://" + rest
}

// newLogger returns the logger the configuration asks for, on w.
func newLogger(cfg *config.Config, w io.Writer) *slog.Logger {
	var level slog.Level
	if err := level.UnmarshalText([]byte(cfg.LogLevel)); err != nil {
		level = slog.LevelInfo // Validate accepts only levels slog knows
	}
	opts := &slog.HandlerOptions{Level: level}
	if cfg.LogFormat == "json" {
		return slog.New(slog.NewJSONHandler(w, opts))
	}
	return slog.New(slog.NewTextHandler(w, opts))
}

// checkSMTP tells, once at start, whether the configured SMTP server
// answers. An unreachable server is a warning, not a refusal: mail waits in
// the outbox until the server is back. It runs beside the start so that a
// slow or silent server never delays serving the feeds.
func checkSMTP(ctx context.Context, cfg *config.Config, log *slog.Logger) {
	m, err := newMailer(cfg)
	if err != nil {
		log.Warn("mail cannot be sent with this configuration", "err", err)
		return
	}
	cctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	if err := m.sender.Check(cctx); err != nil {
		log.Warn("the SMTP server cannot be reached now; mail will wait in the outbox until it can",
			"smtp", m.sender.Addr(), "err", err)
		return
	}
	log.Info("the SMTP server answers", "smtp", m.sender.Addr(), "tls", cfg.SMTP.TLS)
}

// checkOIDC asks the identity provider for its discovery document once at
// start, so that a wrong issuer shows in the log before anyone tries to
// sign in. Serving does not wait for it: a provider that is down is asked
// again at each sign-in until it answers.
func checkOIDC(ctx context.Context, srv *api.Server, log *slog.Logger) {
	if err := srv.CheckOIDC(ctx); err != nil {
		log.Warn("the OIDC provider does not answer now; sign-in with it waits until it does", "err", err)
		return
	}
	log.Info("the OIDC provider answers")
}

// buildJobs builds the job that queues due email and sends the outbox,
// with the mail metrics registered in registry.
func buildJobs(cfg *config.Config, store calendar.Store, m *mailer, baseURL string, log *slog.Logger, registry *prometheus.Registry) (*notify.Jobs, error) {
	metrics, err := notify.NewMetrics(registry)
	if err != nil {
		return nil, err
	}
	return newJobs(cfg, store, m, baseURL, log, metrics)
}

// previewLetter adapts notify's preview of a letter to the pages' type
// (api does not import notify).
func previewLetter(s *notify.Scanner) func(context.Context, int64, calendar.MailLetter, time.Time) (*api.LetterPreview, error) {
	return func(ctx context.Context, id int64, l calendar.MailLetter, now time.Time) (*api.LetterPreview, error) {
		p, err := s.Preview(ctx, now, id, l)
		if err != nil || p == nil {
			return nil, err
		}
		r := func(x notify.PreviewRecipient) api.LetterRecipient {
			return api.LetterRecipient{Name: x.Name, Email: x.Email, Skip: x.Skip}
		}
		out := &api.LetterPreview{Subject: p.Subject, Text: p.Text, Sample: r(p.Sample)}
		for _, x := range p.Recipients {
			out.Recipients = append(out.Recipients, r(x))
		}
		return out, nil
	}
}

// startJobs starts jobs on the configured schedule, and the delivery of
// urgent mail (sign-in links) whenever a request wakes it.
func startJobs(cfg *config.Config, jobs *notify.Jobs, log *slog.Logger) (stop func(), err error) {
	stop, err = jobs.Start(cfg.Notify.Schedule)
	if err != nil {
		return nil, err
	}
	log.Info("mail jobs started", "schedule", cfg.Notify.Schedule, "worker", jobs.Deliverer.Worker,
		"quiet_hours", cfg.Notify.QuietHours, "quiet_weekends", cfg.Notify.QuietWeekends)
	return stop, nil
}
