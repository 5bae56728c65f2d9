package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/url"
	"strings"
	"text/tabwriter"
	"time"

	"example.com/portal/backend/api"
	"example.com/portal/backend/internal/password"
	"example.com/portal/backend/internal/portal"
	"example.com/portal/backend/internal/postgres"
	"example.com/portal/tenants"
	"example.com/portal/tenants/definitions"
)

// tenantsCmd runs `portal tenants …` as the owner role: the platform tables
// are read-only for the app role.
func tenantsCmd(ctx context.Context, cfg Config, args []string, stdout io.Writer) error {
	if len(args) == 0 {
		return usageError("tenants needs one of apply, list, suspend, activate, invite-staff, api-key")
	}
	if err := cfg.ValidateOwner(); err != nil {
		return err
	}
	db, err := postgres.Open(ctx, cfg.OwnerDatabaseURL, postgres.Options{})
	if err != nil {
		return err
	}
	defer db.Close()

	switch args[0] {
	case "apply":
		return tenantsApply(ctx, cfg, db, args[1:], stdout)
	case "list":
		ts, err := db.ListTenants(ctx)
		if err != nil {
			return err
		}
		tw := tabwriter.NewWriter(stdout, 0, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "SLUG\tNAME\tSTATUS\tPORTAL\tCUSTOM HOSTS")
		for _, t := range ts {
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", t.Slug, t.Name, t.Status, portalURL(cfg, t.Slug),
				strings.Join(customHosts(t, cfg.BaseDomain), ", "))
		}
		return tw.Flush()
	case "suspend", "activate":
		if len(args) != 2 {
			return usageError("tenants " + args[0] + " needs a tenant slug")
		}
		status := tenants.StatusSuspended
		if args[0] == "activate" {
			status = tenants.StatusActive
		}
		if err := db.SetTenantStatus(ctx, args[1], status); err != nil {
			return fmt.Errorf("tenants %s %s: %w", args[0], args[1], err)
		}
		fmt.Fprintf(stdout, "tenant %s is %s (servers notice within 10 s)\n", args[1], status)
		return nil
	case "invite-staff":
		return tenantsInviteStaff(ctx, cfg, db, args[1:], stdout)
	case "api-key":
		return tenantsAPIKey(ctx, db, args[1:], stdout)
	default:
		return usageError(fmt.Sprintf("unknown tenants command %q", args[0]))
	}
}

// tenantsApply creates or updates every tenant of the definitions, loads the
// demo data of those that have some, and prints where each portal is and
// how to sign in to it.
func tenantsApply(ctx context.Context, cfg Config, db *postgres.DB, args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("tenants apply", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	dir := fs.String("dir", "", "directory of tenant definitions (*.yaml); default: the built-in demo tenants")
	// Demo data comes with published passwords: it is opt-in, for
	// development and demonstrations only.
	demo := fs.Bool("demo", false, "also load the definitions' demo data (customers, users with the demo password, orders)")
	if err := fs.Parse(args); err != nil {
		return usageError("tenants apply: " + err.Error())
	}
	var (
		defs []definitions.Definition
		err  error
	)
	if *dir != "" {
		defs, err = definitions.LoadDir(*dir)
	} else {
		defs, err = definitions.Load()
	}
	if err != nil {
		return err
	}
	for _, def := range defs {
		start := time.Now()
		t := def.Tenant(cfg.BaseDomain)
		if err := db.ApplyTenant(ctx, &t); err != nil {
			return err
		}
		fmt.Fprintf(stdout, "\n%s (%s): %s\n", t.Name, t.Status, portalURL(cfg, t.Slug))
		if !*demo || def.Demo == nil {
			continue
		}
		data, err := def.DemoData(time.Now())
		if err != nil {
			return fmt.Errorf("tenant %s: demo data: %w", t.Slug, err)
		}
		stats, err := db.SeedDemo(ctx, t.ID, data, password.Hash)
		if err != nil {
			return fmt.Errorf("tenant %s: load demo data: %w", t.Slug, err)
		}
		fmt.Fprintf(stdout, "  demo data: %s (%.1fs)\n", stats, time.Since(start).Seconds())
		fmt.Fprintln(stdout, "  demo sign-ins:")
		tw := tabwriter.NewWriter(stdout, 0, 4, 2, ' ', 0)
		for _, u := range data.SignIns() {
			fmt.Fprintf(tw, "    %s\t%s\t%s\t%s\n", u.Email, u.Role, u.Password, u.Customer)
		}
		if err := tw.Flush(); err != nil {
			return err
		}
	}
	return nil
}

// tenantsInviteStaff invites someone to a tenant's staff and prints the
// link that sets their password: how a new tenant gets its first tenant
// admin, who then invites the rest in the portal.
func tenantsInviteStaff(ctx context.Context, cfg Config, db *postgres.DB, args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("tenants invite-staff", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	role := fs.String("role", "tenant_admin", "tenant_admin or sales_rep")
	if err := fs.Parse(args); err != nil || fs.NArg() != 3 {
		return usageError("tenants invite-staff [-role tenant_admin|sales_rep] SLUG EMAIL NAME")
	}
	t, err := db.FindTenantBySlug(ctx, fs.Arg(0))
	if err != nil {
		return fmt.Errorf("tenants invite-staff %s: %w", fs.Arg(0), err)
	}
	u, token, err := db.InviteStaff(ctx, t.ID, portal.InviteInput{Email: fs.Arg(1), Name: fs.Arg(2), Role: *role})
	if err != nil {
		return fmt.Errorf("tenants invite-staff: %s", portal.ErrorMessage(err)+fieldMessages(err))
	}
	link := strings.TrimSuffix(portalURL(cfg, t.Slug), "/portal") + api.PageResetPassword + "#" +
		url.Values{"invite": {"1"}, "token": {token}}.Encode()
	fmt.Fprintf(stdout, "invited %s <%s> as %s of %s; hand them this link (it works for %d days, once):\n%s\n",
		u.Name, u.Email, u.Role, t.Name, int(portal.InvitationLifetime.Hours()/24), link)
	return nil
}

// fieldMessages lists the field errors of err, if any, as " (field: message; …)".
func fieldMessages(err error) string {
	var pe *portal.Error
	if !errors.As(err, &pe) || len(pe.Fields) == 0 {
		return ""
	}
	var parts []string
	for _, f := range pe.Fields {
		parts = append(parts, f.Field+": "+f.Message)
	}
	return " (" + strings.Join(parts, "; ") + ")"
}

// portalURL is the address of a tenant's portal under the base domain.
func portalURL(cfg Config, slug string) string {
	host := tenants.SubdomainHost(slug, cfg.BaseDomain)
	scheme := "http"
	switch cfg.PublicPort {
	case "443":
		scheme = "https"
	case "80", "":
	default:
		host = net.JoinHostPort(host, cfg.PublicPort)
	}
	return scheme + "://" + host + "/portal"
}

func customHosts(t *tenants.Tenant, baseDomain string) []string {
	var out []string
	for _, h := range t.Hosts {
		if h != tenants.SubdomainHost(t.Slug, baseDomain) {
			out = append(out, h)
		}
	}
	return out
}

// tenantsAPIKey creates (or revokes) a tenant's API key: `tenants api-key
// create -tenant SLUG -name NAME -scope backoffice` prints the key once;
// only its SHA-256 is kept, so a lost key is revoked and replaced.
func tenantsAPIKey(ctx context.Context, db *postgres.DB, args []string, stdout io.Writer) error {
	const use = "tenants api-key create -tenant SLUG -name NAME -scope backoffice[,ecommerce,webhooks] | revoke -tenant SLUG -prefix PREFIX"
	if len(args) == 0 || (args[0] != "create" && args[0] != "revoke") {
		return usageError(use)
	}
	fs := flag.NewFlagSet("tenants api-key", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	slug := fs.String("tenant", "", "tenant slug")
	name := fs.String("name", "", "what the key is for, e.g. \"ERP sync\"")
	scope := fs.String("scope", "", "comma-separated scopes")
	prefix := fs.String("prefix", "", "the key's prefix (revoke)")
	if err := fs.Parse(args[1:]); err != nil || fs.NArg() != 0 || *slug == "" {
		return usageError(use)
	}
	t, err := db.FindTenantBySlug(ctx, *slug)
	if err != nil {
		return fmt.Errorf("tenants api-key %s: %w", *slug, err)
	}
	if args[0] == "revoke" {
		if *prefix == "" {
			return usageError(use)
		}
		if err := db.RevokeAPIKey(ctx, t.ID, *prefix); err != nil {
			return fmt.Errorf("tenants api-key revoke: %s", portal.ErrorMessage(err))
		}
		fmt.Fprintf(stdout, "revoked API key %s of %s\n", *prefix, t.Name)
		return nil
	}
	var scopes []string
	for _, sc := range strings.Split(*scope, ",") {
		if sc = strings.TrimSpace(sc); sc != "" {
			scopes = append(scopes, sc)
		}
	}
	k, key, err := db.CreateAPIKey(ctx, t.ID, portal.CreateAPIKeyInput{Name: *name, Scopes: scopes})
	if err != nil {
		return fmt.Errorf("tenants api-key create: %s", portal.ErrorMessage(err)+fieldMessages(err))
	}
	fmt.Fprintf(stdout, "created API key %s (%s) of %s with scope %s.\n"+
		"Send it as \"Authorization: Bearer <key>\" to the tenant's own host. It is shown only now:\n%s\n",
		k.Prefix, k.Name, t.Name, strings.Join(k.Scopes, ","), key)
	return nil
}
