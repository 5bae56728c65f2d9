package postgres

import "example.com/portal/backend/internal/portal"

// staffScope is the one place that says which customers a staff user may
// see (portal.User.AllCustomers): a SQL condition on col, a customer id
// column of the query, with its arguments. A tenant admin sees every
// customer (TRUE); a sales rep only the customers the back office
// assigned to the sales rep with their e-mail address (users' addresses
// are stored lower-case; the ERP's may be in any case). The actor's user
// row is read under the tenant's row-level security, so a user of another
// tenant matches nothing. Every staff query about customers, their quotes
// and their onboarding ANDs it in, so that an unassigned customer's rows
// answer ENOTFOUND to a rep.
func staffScope(actor *portal.User, col string) (string, []any) {
	if actor.AllCustomers() {
		return "TRUE", nil
	}
	return col + ` IN (SELECT sc.id FROM customers sc
		JOIN sales_reps ssr ON ssr.tenant_id = sc.tenant_id AND ssr.id = sc.sales_rep_id
		JOIN users su ON su.tenant_id = ssr.tenant_id AND su.email = lower(ssr.email)
		WHERE su.id = ? AND su.customer_id IS NULL AND su.status = 'active')`, []any{actor.ID}
}
