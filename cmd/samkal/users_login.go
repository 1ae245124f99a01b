package main

import (
	"context"
	"fmt"
	"strings"

	"github.com/samkal/samkal/calendar"
)

const usersLoginLinkHelp = `  samkal users login-link --person KEY
      print a one-time sign-in link for the person, valid for 15 minutes:
      for the first admin of a new installation, and for support. The link
      opens a page with a button "Logga in"; it works once. The address
      starts with base_url (SAMKAL_BASE_URL).
`

// usersLoginLink runs `samkal users login-link --person KEY`: it makes a
// sign-in link as /logga-in would mail it, and prints it instead. The
// link is the only copy of its secret (the store keeps a hash): whoever
// runs this hands it to the person.
func usersLoginLink(ctx context.Context, e *env, args []string) int {
	fs, path := flagSet(e, "users login-link", "--person KEY", "db")
	person := fs.String("person", "", "the `key` of the person who signs in, e.g. maria-lindborg")
	rest, err := parseFlags(fs, args)
	if err != nil {
		return exitCode(err)
	}
	if len(rest) > 0 {
		fmt.Fprintf(e.stderr, "samkal users login-link: unexpected arguments %q\n", rest)
		return exitUsage
	}
	if strings.TrimSpace(*person) == "" {
		fmt.Fprintln(e.stderr, "samkal users login-link: --person is required: the key of a person, e.g. --person maria-lindborg")
		return exitUsage
	}
	cfg, err := loadConfig(e, fs, *path)
	if err != nil {
		return exitUsage
	}
	store, code := openStore(ctx, e, cfg, newLogger(cfg, e.stderr))
	if store == nil {
		return code
	}
	defer store.Close()
	secret, err := store.CreateSignInLink(calendar.WithActor(ctx, calendar.Actor{Via: calendar.ViaCLI}), *person, calendar.SignInLinkWindow)
	if err != nil {
		if calendar.ErrorCode(err) == calendar.EINVALID {
			fmt.Fprintf(e.stderr, "samkal users login-link: there is no person %q (samkal export or GET /api/v1/people lists the keys)\n", *person)
			return exitFailure
		}
		fmt.Fprintf(e.stderr, "samkal users login-link: %s\n", calendar.ErrorMessage(err))
		return exitFailure
	}
	base := strings.TrimRight(cfg.EffectiveBaseURL(cfg.Addr), "/")
	fmt.Fprintf(e.stdout, "%s/logga-in/%s\n", base, secret)
	fmt.Fprintf(e.stderr, "A one-time sign-in link for %s, valid for %d minutes. Give it to that person only: it signs in as them.\n",
		*person, int(calendar.SignInLinkWindow.Minutes()))
	return exitOK
}
