package main

import (
	"context"
	"fmt"
)

// usersCmd runs `samkal users SUBCOMMAND`: the people who may sign in and
// what they may do.
func usersCmd(ctx context.Context, e *env, args []string) int {
	subs := map[string]func(context.Context, *env, []string) int{
		"login-link": usersLoginLink,
	}
	if len(args) == 0 || args[0] == "-h" || args[0] == "-help" || args[0] == "--help" {
		w, code := e.stderr, exitUsage
		if len(args) > 0 {
			w, code = e.stdout, exitOK
		}
		fmt.Fprint(w, "Usage:\n"+usersLoginLinkHelp)
		return code
	}
	if run, ok := subs[args[0]]; ok {
		return run(ctx, e, args[1:])
	}
	fmt.Fprintf(e.stderr, "samkal users: unknown subcommand %q; run 'samkal users -h' for the list\n", args[0])
	return exitUsage
}
