package main

import (
	"context"
	"flag"
	"fmt"
	"slices"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/samkal/samkal/calendar"
	"github.com/samkal/samkal/calendar/sqlstore"
)

// `samkal users` gives and takes back roles, and lists who has them. It is
// how the first admin of a new installation is made, before anyone can
// sign in:
//
//	samkal users grant --person maria-lindborg --role admin
//
// Every change is recorded as made through the CLI (run puts that actor
// in the context of every command but serve).

// subcommand is one subcommand of a command with several (users).
type subcommand struct {
	name, args, summary string
	run                 func(ctx context.Context, e *env, args []string) int
}

// usersCommands are the subcommands of samkal users. One more is one more
// entry here (or appended to in an init function of its own file).
var usersCommands = []subcommand{
	{"grant", "--person KEY --role admin|secretary [--body SLUG]...", "give a person the admin role, or the secretary role for each body", usersGrant},
	{"revoke", "--person KEY --role admin|secretary [--body SLUG]...", "take the role back (for each body)", usersRevoke},
	{"list", "[--person KEY]", "list who is admin or secretary: roles given, and sekreterare memberships active today", usersList},
	{"login-link", "--person KEY", "print a one-time sign-in link (valid 15 minutes) for the person: the first admin, support", usersLoginLink},
}

// usersCmd runs `samkal users SUBCOMMAND`.
func usersCmd(ctx context.Context, e *env, args []string) int {
	if len(args) == 0 || args[0] == "-h" || args[0] == "-help" || args[0] == "--help" {
		w, code := e.stderr, exitUsage
		if len(args) > 0 {
			w, code = e.stdout, exitOK
		}
		fmt.Fprint(w, "Usage:\n")
		for _, c := range usersCommands {
			fmt.Fprintf(w, "  samkal users %s %s\n      %s\n", c.name, c.args, c.summary)
		}
		fmt.Fprint(w, "\nAll take --config FILE and --db DSN, like serve. Changes are recorded as made\nthrough the CLI. The first admin of a new installation is made with\n  samkal users grant --person KEY --role admin\n")
		return code
	}
	for _, c := range usersCommands {
		if c.name == args[0] {
			return c.run(ctx, e, args[1:])
		}
	}
	names := make([]string, len(usersCommands))
	for i, c := range usersCommands {
		names[i] = c.name
	}
	fmt.Fprintf(e.stderr, "samkal users: unknown subcommand %q; use %s\n", args[0], strings.Join(names, ", "))
	return exitUsage
}

// slugList is a flag given once per value (--body a --body b).
type slugList []string

func (l *slugList) String() string { return strings.Join(*l, ",") }

func (l *slugList) Set(v string) error {
	*l = append(*l, v)
	return nil
}

// usersStore parses the flags of fs from args, checks them with check
// (nil: no check), loads the configuration and opens the store; it returns
// nil and the exit code when it cannot.
func usersStore(ctx context.Context, e *env, fs *flag.FlagSet, path *string, args []string, check func() bool) (*sqlstore.Store, int) {
	rest, err := parseFlags(fs, args)
	if err != nil {
		return nil, exitCode(err)
	}
	if len(rest) > 0 {
		fmt.Fprintf(e.stderr, "%s: unexpected arguments %q\n", fs.Name(), rest)
		return nil, exitUsage
	}
	if check != nil && !check() {
		return nil, exitUsage
	}
	return openForCommand(ctx, e, fs, *path)
}

// grantFlags are the flags of grant and revoke, and the grants they name:
// one admin grant, or one secretary grant per body.
func grantFlags(e *env, name string) (*flag.FlagSet, *string, func() ([]calendar.Grant, bool)) {
	fs, path := flagSet(e, "users "+name, "--person KEY --role admin|secretary [--body SLUG]...", "db")
	person := fs.String("person", "", "the person's `key`, e.g. maria-lindborg")
	role := fs.String("role", "", "admin or secretary")
	var bodies slugList
	fs.Var(&bodies, "body", "the `slug` of a body, for the secretary role; give it once per body")
	return fs, path, func() ([]calendar.Grant, bool) {
		var problems []string
		if *person == "" {
			problems = append(problems, "--person is required")
		}
		switch calendar.AccessRole(*role) {
		case calendar.AccessAdmin:
			if len(bodies) > 0 {
				problems = append(problems, "the admin role is for every body; give no --body")
			}
		case calendar.AccessSecretary:
			if len(bodies) == 0 {
				problems = append(problems, "the secretary role needs --body SLUG, once per body")
			}
		case "":
			problems = append(problems, "--role is required: admin or secretary")
		default:
			problems = append(problems, fmt.Sprintf("--role %q is unknown; use admin or secretary", *role))
		}
		if len(problems) > 0 {
			for _, p := range problems {
				fmt.Fprintf(e.stderr, "samkal users %s: %s\n", name, p)
			}
			return nil, false
		}
		if calendar.AccessRole(*role) == calendar.AccessAdmin {
			return []calendar.Grant{{Person: *person, Role: calendar.AccessAdmin}}, true
		}
		out := make([]calendar.Grant, len(bodies))
		for i, b := range bodies {
			out[i] = calendar.Grant{Person: *person, Role: calendar.AccessSecretary, Body: b}
		}
		return out, true
	}
}

// describeGrant is a grant in words: "admin", "secretary of rad".
func describeGrant(g calendar.Grant) string {
	if g.Role == calendar.AccessAdmin {
		return "admin"
	}
	return "secretary of " + g.Body
}

func usersGrant(ctx context.Context, e *env, args []string) int {
	return changeGrants(ctx, e, "grant", args, func(store *sqlstore.Store, g calendar.Grant) (string, error) {
		held, err := store.FindGrants(ctx, calendar.GrantFilter{Person: &g.Person})
		if err != nil {
			return "", err
		}
		got, err := store.GrantRole(ctx, g)
		if err != nil {
			return "", err
		}
		if slices.ContainsFunc(held, func(h *calendar.Grant) bool { return h.ID == got.ID }) {
			return fmt.Sprintf("%s is already %s", g.Person, describeGrant(g)), nil
		}
		return fmt.Sprintf("%s is now %s", g.Person, describeGrant(g)), nil
	})
}

func usersRevoke(ctx context.Context, e *env, args []string) int {
	return changeGrants(ctx, e, "revoke", args, func(store *sqlstore.Store, g calendar.Grant) (string, error) {
		if err := store.RevokeRole(ctx, g); err != nil {
			return "", err
		}
		return fmt.Sprintf("%s is no longer %s", g.Person, describeGrant(g)), nil
	})
}

// changeGrants runs grant or revoke: each grant in its own transaction, so
// that what succeeded is said and stays when a later body is unknown.
func changeGrants(ctx context.Context, e *env, name string, args []string, change func(*sqlstore.Store, calendar.Grant) (string, error)) int {
	fs, path, grants := grantFlags(e, name)
	var gs []calendar.Grant
	store, code := usersStore(ctx, e, fs, path, args, func() bool {
		var ok bool
		gs, ok = grants()
		return ok
	})
	if store == nil {
		return code
	}
	defer store.Close()
	failed := false
	for _, g := range gs {
		msg, err := change(store, g)
		if err != nil {
			fmt.Fprintf(e.stderr, "samkal users %s: %s: %s\n", name, describeGrant(g), errorText(err))
			failed = true
			continue
		}
		fmt.Fprintln(e.stdout, msg)
	}
	if failed {
		return exitFailure
	}
	return exitOK
}

// usersList prints who is admin or secretary: the grants, and the
// sekreterare memberships active today, which make their person the body's
// secretary without a grant.
func usersList(ctx context.Context, e *env, args []string) int {
	fs, path := flagSet(e, "users list", "[--person KEY]", "db")
	person := fs.String("person", "", "only this person's roles (`key`)")
	store, code := usersStore(ctx, e, fs, path, args, nil)
	if store == nil {
		return code
	}
	defer store.Close()
	var pf *string
	if *person != "" {
		if _, err := store.FindPersonByKey(ctx, *person); err != nil {
			fmt.Fprintf(e.stderr, "samkal users list: %s\n", errorText(err))
			return exitFailure
		}
		pf = person
	}
	type row struct{ person, role, body, from string }
	var rows []row
	gs, err := store.FindGrants(ctx, calendar.GrantFilter{Person: pf})
	if err != nil {
		fmt.Fprintf(e.stderr, "samkal users list: %s\n", errorText(err))
		return exitFailure
	}
	for _, g := range gs {
		body := g.Body
		if body == "" {
			body = "(all)"
		}
		rows = append(rows, row{g.Person, string(g.Role), body, "grant"})
	}
	today := calendar.DateOf(time.Now())
	ms, err := store.FindMemberships(ctx, calendar.MembershipFilter{Person: pf, ActiveOn: &today})
	if err != nil {
		fmt.Fprintf(e.stderr, "samkal users list: %s\n", errorText(err))
		return exitFailure
	}
	for _, m := range ms {
		if m.Role == calendar.RoleSecretary {
			rows = append(rows, row{m.Person, string(calendar.AccessSecretary), m.Body, "sekreterare membership"})
		}
	}
	slices.SortStableFunc(rows, func(a, b row) int {
		return strings.Compare(a.person+"\x00"+a.role+"\x00"+a.body, b.person+"\x00"+b.role+"\x00"+b.body)
	})
	if len(rows) == 0 {
		fmt.Fprintln(e.stdout, "Nobody is admin or secretary. Make the first admin with: samkal users grant --person KEY --role admin")
		return exitOK
	}
	names := map[string]string{}
	tw := tabwriter.NewWriter(e.stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "PERSON\tNAME\tROLE\tBODY\tFROM")
	for _, r := range rows {
		if _, ok := names[r.person]; !ok {
			names[r.person] = r.person
			if p, err := store.FindPersonByKey(ctx, r.person); err == nil {
				names[r.person] = p.Name
			}
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", r.person, names[r.person], r.role, r.body, r.from)
	}
	tw.Flush()
	return exitOK
}
