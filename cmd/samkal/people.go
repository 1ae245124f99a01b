package main

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/samkal/samkal/calendar"
)

// peopleCmd runs `samkal people export|erase KEY`: what a personal data
// controller needs to answer a request to see or to erase what is held
// about a person.
func peopleCmd(ctx context.Context, e *env, args []string) int {
	if len(args) == 0 || args[0] == "-h" || args[0] == "-help" || args[0] == "--help" {
		w, code := e.stderr, exitUsage
		if len(args) > 0 {
			w, code = e.stdout, exitOK
		}
		fmt.Fprint(w, `Usage:
  samkal people export KEY
      print everything Samkal holds about the person as JSON: contact data,
      memberships, roles, emails sent to them, links, approvals, agenda
      proposals, changes that name them, sessions and tokens (no secrets)
  samkal people erase [--yes] KEY
      erase the person: contact data, sign-ins, tokens, roles, memberships,
      links and unsent mail go; approvals and proposals stay, naming
      "`+calendar.ErasedName+`". Asks for the key again unless --yes.

Both take --config FILE and --db DSN, like serve.
`)
		return code
	}
	switch args[0] {
	case "export":
		return peopleExport(ctx, e, args[1:])
	case "erase":
		return peopleErase(ctx, e, args[1:])
	}
	fmt.Fprintf(e.stderr, "samkal people: unknown subcommand %q; use export or erase\n", args[0])
	return exitUsage
}

// personArg parses the flags of a people subcommand and returns its one
// person key; ok is false after it printed why not (or the help).
func personArg(e *env, name string, args []string, parse func([]string) ([]string, error), usage func()) (string, int, bool) {
	rest, err := parse(args)
	if err != nil {
		return "", exitCode(err), false
	}
	if len(rest) != 1 {
		fmt.Fprintf(e.stderr, "samkal %s: name one person by key, e.g. samkal %s anna-andersson\n", name, name)
		usage()
		return "", exitUsage, false
	}
	return rest[0], exitOK, true
}

func peopleExport(ctx context.Context, e *env, args []string) int {
	fs, path := flagSet(e, "people export", "KEY", "db")
	key, code, ok := personArg(e, "people export", args, func(a []string) ([]string, error) { return parseFlags(fs, a) }, fs.Usage)
	if !ok {
		return code
	}
	store, code := openForCommand(ctx, e, fs, *path)
	if store == nil {
		return code
	}
	defer store.Close()
	x, err := store.ExportPerson(ctx, key)
	if err != nil {
		fmt.Fprintf(e.stderr, "samkal people export: %s\n", errorText(err))
		return exitFailure
	}
	b, err := json.MarshalIndent(x, "", "  ")
	if err != nil {
		fmt.Fprintf(e.stderr, "samkal people export: %v\n", err)
		return exitFailure
	}
	fmt.Fprintf(e.stdout, "%s\n", b)
	return exitOK
}

func peopleErase(ctx context.Context, e *env, args []string) int {
	fs, path := flagSet(e, "people erase", "[--yes] KEY", "db")
	yes := fs.Bool("yes", false, "erase without asking")
	key, code, ok := personArg(e, "people erase", args, func(a []string) ([]string, error) { return parseFlags(fs, a) }, fs.Usage)
	if !ok {
		return code
	}
	store, code := openForCommand(ctx, e, fs, *path)
	if store == nil {
		return code
	}
	defer store.Close()
	p, err := store.FindPersonByKey(ctx, key)
	if err != nil {
		fmt.Fprintf(e.stderr, "samkal people erase: %s\n", errorText(err))
		return exitFailure
	}
	if !*yes {
		// Typing the key, not "y", makes the operator read whom they erase.
		fmt.Fprintf(e.stderr, "Erase %s (%s, %s)? This cannot be undone.\nType the key %s to confirm: ", p.Key, p.Name, p.Email, p.Key)
		line, _ := bufio.NewReader(e.stdin).ReadString('\n')
		if strings.TrimSpace(line) != p.Key {
			fmt.Fprintln(e.stderr, "\nsamkal people erase: not confirmed; nothing was erased")
			return exitFailure
		}
	}
	x, err := store.ErasePerson(calendar.WithActor(ctx, calendar.Actor{Via: calendar.ViaCLI}), key)
	if err != nil {
		fmt.Fprintf(e.stderr, "samkal people erase: %s\n", errorText(err))
		return exitFailure
	}
	fmt.Fprintf(e.stdout, `Erased %s; the person is now %s ("%s").
Removed: %d memberships, %d roles, %d sessions, %d sign-in links, %d API tokens, %d personal links, %d unsent emails.
Scrubbed: %d sent emails, %d skipped emails, %d recorded changes.
Kept, naming %q: %d approvals of minutes, %d agenda proposals.
`, key, x.Person, calendar.ErasedName,
		x.Memberships, x.Roles, x.Sessions, x.SignInLinks, x.APITokens, x.PersonalLinks, x.EmailsDropped,
		x.EmailsScrubbed, x.SkippedScrubbed, x.ChangesScrubbed,
		calendar.ErasedName, x.KeptApprovals, x.KeptProposals)
	return exitOK
}
