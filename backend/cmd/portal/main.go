// Command portal is the customer portal's one binary:
//
//	portal serve                      serve every tenant's portal and APIs
//	portal migrate up|down|status     apply or roll back the schema (owner role)
//	portal tenants apply [flags]      create or update tenants from definitions (owner role)
//	portal tenants list               list tenants and their portal addresses
//	portal tenants suspend|activate SLUG
//	portal tenants invite-staff [-role R] SLUG EMAIL NAME   print a staff invitation link
//	portal tenants api-key create -tenant SLUG -name NAME -scope backoffice   print a new API key once
//	portal version                    print the build version
//
// Configuration comes from PORTAL_* environment variables (README.md).
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"syscall"
)

// version is set at build time with -ldflags "-X main.version=…".
var version = "dev"

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Getenv, os.Stdout, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "portal:", err)
		var ue usageError
		if errors.As(err, &ue) {
			os.Exit(2)
		}
		os.Exit(1)
	}
}

// usageError is a mistake on the command line.
type usageError string

func (e usageError) Error() string { return string(e) + "\n" + usage }

const usage = `usage:
  portal serve
  portal migrate up|down|status
  portal tenants apply [-dir DIR] [-demo]
  portal tenants list
  portal tenants suspend|activate SLUG
  portal tenants invite-staff [-role tenant_admin|sales_rep] SLUG EMAIL NAME
  portal tenants api-key create -tenant SLUG -name NAME -scope backoffice
  portal tenants api-key revoke -tenant SLUG -prefix PREFIX
  portal version`

// run is main without the process: tests call it with their own arguments,
// environment and output.
func run(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		return usageError("missing command")
	}
	if args[0] == "version" {
		fmt.Fprintln(stdout, "portal", version)
		return nil
	}
	if args[0] == "help" || args[0] == "-h" || args[0] == "--help" {
		fmt.Fprintln(stdout, usage)
		return nil
	}
	cfg, err := LoadConfig(getenv)
	if err != nil {
		return fmt.Errorf("configuration:\n%w", err)
	}
	logger := slog.New(slog.NewJSONHandler(stdout, &slog.HandlerOptions{Level: cfg.LogLevel}))
	switch args[0] {
	case "serve":
		return serve(ctx, cfg, getenv, logger)
	case "migrate":
		return migrateCmd(ctx, cfg, args[1:], stdout)
	case "tenants":
		return tenantsCmd(ctx, cfg, args[1:], stdout)
	default:
		return usageError(fmt.Sprintf("unknown command %q", args[0]))
	}
}
