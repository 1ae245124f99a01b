// Command samkal runs Samkal: the web server with its API and calendar
// feeds (serve), and the årsplan import and export, planning and clash
// reports that a secretary or an operator runs by hand (import, export,
// plan, conflicts). It only wires components
// together; the work is done by the packages it builds from the
// configuration.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"runtime"
	"runtime/debug"
	"strings"
	"syscall"

	"github.com/samkal/samkal/calendar"
	"github.com/samkal/samkal/config"
)

// Exit codes of run.
const (
	exitOK      = 0
	exitFailure = 1 // the command failed: a bad file, an unreachable database
	exitUsage   = 2 // wrong flags or arguments, or an invalid configuration
	// exitInterrupted: a command stopped by Ctrl+C or SIGTERM before it
	// finished (128 + SIGINT, as shells report it).
	exitInterrupted = 130
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	go func() {
		<-ctx.Done()
		stop() // a second Ctrl+C ends the process at once, without waiting for shutdown
	}()
	code := run(ctx, os.Args[1:], os.Stdout, os.Stderr, os.Getenv)
	stop()
	os.Exit(code)
}

// env is what a command may use of its surroundings; tests give their own.
type env struct {
	stdin          io.Reader // answers to questions (people erase)
	stdout, stderr io.Writer
	getenv         func(string) string
}

// command is one subcommand.
type command struct {
	name, args, summary string
	run                 func(ctx context.Context, e *env, args []string) int
}

func commands() []command {
	return []command{
		{"serve", "[--addr ADDR] [--demo]", "run the web server: pages, JSON API and calendar feeds", serve},
		{"import", "FILE...", "import årsplan files (YAML); all files or nothing", importFiles},
		{"export", "--body SLUG --year YYYY [-o FILE]", "write one body's årsplan for a year as YAML", export},
		{"plan", "window FILE | suggest --window ID --body SLUG | next-year --body SLUG --year YYYY …", "plan booking weeks, suggest free times, propose next year's årsplan", planCmd},
		{"conflicts", "--from YYYY-MM-DD --to YYYY-MM-DD", "list double bookings, holidays and odd hours in a period", conflictsCmd},
		{"mail", "test --to ADDRESS", "send a test message through the configured SMTP server, DKIM-signed when [dkim] is set", mailCmd},
		{"users", "grant|revoke --person KEY --role admin|secretary [--body SLUG]… | list [--person KEY] | login-link --person KEY", "give and take back roles (the first admin is made here), list admins and secretaries, print a one-time sign-in link", usersCmd},
		{"notify", "preview [--at TIME] | run", "show which emails are due, or queue and send them now (calls for items, kallelser, justering, booking reminders)", notifyCmd},
		{"people", "export KEY | erase [--yes] KEY", "print everything held about a person as JSON, or erase the person (GDPR)", peopleCmd},
		{"generate", "--out DIR [--regions N] [--seed N]", "write the generated national data set (21 regions) as årsplan files, for scale tests", generate},
		{"config", "[--table]", "print the configuration in effect (secrets redacted), or every setting as a Markdown table", printConfig},
		{"version", "", "print the version", func(_ context.Context, e *env, _ []string) int {
			fmt.Fprintln(e.stdout, version())
			return exitOK
		}},
	}
}

// run runs the command line args (without the program name) and returns
// the exit code. It is main without the process: tests call it directly.
func run(ctx context.Context, args []string, stdout, stderr io.Writer, getenv func(string) string) int {
	e := &env{stdin: os.Stdin, stdout: stdout, stderr: stderr, getenv: getenv}
	if len(args) == 0 {
		usage(stderr)
		return exitUsage
	}
	name := args[0]
	switch name {
	case "help", "-h", "-help", "--help":
		if len(args) > 1 {
			for _, c := range commands() {
				if c.name == args[1] {
					return c.run(ctx, &env{stdout: stdout, stderr: stdout, getenv: getenv}, []string{"-h"})
				}
			}
			fmt.Fprintf(stderr, "samkal help: unknown command %q\n", args[1])
			return exitUsage
		}
		usage(stdout)
		return exitOK
	}
	for _, c := range commands() {
		if c.name == name {
			if name != "serve" {
				// What a command changes is recorded as made through the
				// CLI; serve's requests and jobs record their own actors.
				ctx = calendar.WithActor(ctx, calendar.Actor{Via: calendar.ViaCLI})
			}
			return c.run(ctx, e, args[1:])
		}
	}
	fmt.Fprintf(stderr, "samkal: unknown command %q; run 'samkal help' for the list\n", name)
	return exitUsage
}

func usage(w io.Writer) {
	fmt.Fprint(w, "Samkal: meeting calendars for the collaboration bodies of a Swedish region.\n\nUsage:\n")
	for _, c := range commands() {
		fmt.Fprintf(w, "  %s\n      %s\n", strings.TrimSpace("samkal "+c.name+" "+c.args), c.summary)
	}
	fmt.Fprint(w, `  samkal help [COMMAND]
      print this help, or a command's flags

serve, import, export, plan, conflicts, notify, people, users and config also take
  --config FILE   a TOML configuration file
  --db DSN        a SQLite file path or a postgres:// URL (default samkal.db)

Settings come from the defaults, then the --config file, then SAMKAL_*
environment variables, then flags; 'samkal config --table' lists them all.
`)
}

// flagSet returns a flag set for command name with --config and the flags of
// the given settings (by key, e.g. "db", "addr"), their help taken from the
// settings themselves.
func flagSet(e *env, name, args string, keys ...string) (*flag.FlagSet, *string) {
	fs := flag.NewFlagSet("samkal "+name, flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	fs.Usage = func() {
		fmt.Fprintf(fs.Output(), "Usage: samkal %s [flags] %s\n\nFlags:\n", name, args)
		fs.PrintDefaults()
	}
	path := fs.String("config", "", "read settings from this TOML `file`")
	for _, s := range config.Settings() {
		for _, k := range keys {
			if s.Key == k {
				fs.String(s.Flag, "", s.Help+" (default "+s.Default+")")
			}
		}
	}
	return fs, path
}

// parseFlags parses args with fs, allowing flags after positional arguments
// ("import a.yaml --db x.db"), and returns the positional arguments. When
// it fails, the flag package has printed the problem (or the help for -h).
func parseFlags(fs *flag.FlagSet, args []string) ([]string, error) {
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			return nil, err
		}
		rest := fs.Args()
		if n := len(args) - len(rest); n > 0 && args[n-1] == "--" {
			return append(pos, rest...), nil // everything after -- is an argument
		}
		if len(rest) == 0 {
			return pos, nil
		}
		pos = append(pos, rest[0])
		args = rest[1:]
	}
}

// exitCode returns the exit code for an error from parseFlags: exitOK after
// -h, exitUsage otherwise.
func exitCode(err error) int {
	if errors.Is(err, flag.ErrHelp) {
		return exitOK
	}
	return exitUsage
}

// loadConfig loads the configuration from the file named by --config, the
// environment, and the setting flags given in fs. On problems it prints
// every one, and returns the error.
func loadConfig(e *env, fs *flag.FlagSet, path string) (*config.Config, error) {
	flags := map[string]string{}
	byFlag := map[string]string{}
	for _, s := range config.Settings() {
		if s.Flag != "" {
			byFlag[s.Flag] = s.Key
		}
	}
	fs.Visit(func(f *flag.Flag) {
		if key, ok := byFlag[f.Name]; ok {
			flags[key] = f.Value.String()
		}
	})
	cfg, err := config.Load(path, e.getenv, flags)
	if err != nil {
		var p config.Problems
		if !errors.As(err, &p) {
			p = config.Problems{err.Error()}
		}
		fmt.Fprintf(e.stderr, "%s: invalid configuration, nothing was started:\n", fs.Name())
		for _, msg := range p {
			fmt.Fprintf(e.stderr, "  - %s\n", msg)
		}
		return nil, err
	}
	return cfg, nil
}

func printConfig(_ context.Context, e *env, args []string) int {
	fs, path := flagSet(e, "config", "", "db")
	table := fs.Bool("table", false, "print every setting as the Markdown table of the README instead")
	rest, err := parseFlags(fs, args)
	if err != nil {
		return exitCode(err)
	}
	if len(rest) > 0 {
		fmt.Fprintf(e.stderr, "samkal config: unexpected arguments %q\n", rest)
		return exitUsage
	}
	if *table {
		fmt.Fprint(e.stdout, config.MarkdownTable())
		return exitOK
	}
	cfg, err := loadConfig(e, fs, *path)
	if err != nil {
		return exitUsage
	}
	fmt.Fprint(e.stdout, cfg)
	return exitOK
}

// version returns the module version and VCS revision the binary was built
// from, as recorded by the Go toolchain.
func version() string {
	v := []string{"samkal"}
	if bi, ok := debug.ReadBuildInfo(); ok {
		v = append(v, bi.Main.Version)
		for _, s := range bi.Settings {
			switch s.Key {
			case "vcs.revision":
				v = append(v, "commit "+s.Value)
			case "vcs.modified":
				if s.Value == "true" {
					v = append(v, "(modified)")
				}
			}
		}
	}
	return strings.Join(append(v, runtime.Version(), runtime.GOOS+"/"+runtime.GOARCH), " ")
}
