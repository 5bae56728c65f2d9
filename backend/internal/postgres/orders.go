package postgres

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/uptrace/bun"

	"example.com/portal/backend/internal/portal"
)

var _ portal.OrderService = (*OrderService)(nil)

// OrderService is what a customer's user reads of their orders, shipments
// and account, under row-level security (the tenant) and always filtered by
// the actor's customer (the account).
type OrderService struct {
	db *DB
}

// NewOrderService returns the order service over db (app role).
func NewOrderService(db *DB) *OrderService { return &OrderService{db: db} }

var (
	errNoOrder    = portal.Errorf(portal.ENOTFOUND, "No such order.")
	errNoShipment = portal.Errorf(portal.ENOTFOUND, "No such shipment.")
	errNoCustomer = portal.Errorf(portal.EFORBIDDEN, "Staff have no customer account of their own.")
)

// read runs fn in a read-only tenant transaction for a customer's user;
// staff, who have no customer, are refused before any query. A customer's
// screen never needs more than a fraction of a second: a query that runs
// away (a plan gone wrong at scale) is cut off after customerReadTimeout
// instead of holding a connection and a core.
func (s *OrderService) read(ctx context.Context, actor *portal.User, fn func(ctx context.Context, tx bun.Tx) error) error {
	if actor.CustomerID == "" {
		return errNoCustomer
	}
	return s.db.InTenantReadTx(ctx, customerReadTimeout, fn)
}

// customerReadTimeout bounds every statement of a customer's read.
const customerReadTimeout = 5 * time.Second

// searchCountLimit: see portal.SearchCountLimit.
const searchCountLimit = portal.SearchCountLimit

// orderSummaryColumns select an OrderSummary from orders o; the line count
// and the latest non-void invoice come from their own indexes.
const orderSummaryColumns = `o.id::text, o.order_number, o.po_number, o.order_date, o.status, o.currency, o.total_minor,
	(SELECT count(*) FROM order_lines l WHERE l.tenant_id = o.tenant_id AND l.order_id = o.id),
	coalesce((SELECT i.id::text FROM invoices i WHERE i.tenant_id = o.tenant_id AND i.order_id = o.id AND i.status <> 'void'
		ORDER BY i.invoice_date DESC, i.id DESC LIMIT 1), '')`

func scanOrderSummary(row interface{ Scan(...any) error }, extra ...any) (portal.OrderSummary, error) {
	var o portal.OrderSummary
	var status string
	err := row.Scan(append([]any{&o.ID, &o.OrderNumber, &o.PONumber, &o.OrderDate, &status, &o.Total.Currency, &o.Total.Amount,
		&o.LineCount, &o.InvoiceID}, extra...)...)
	// A draft shows only when it awaits approval (issue 8; FindOrderByID).
	o.Status = customerOrderStatus(status)
	return o, err
}

// Dashboard implements portal.OrderService. Its four reads (account card,
// orders in progress, recent shipments and invoices) are independent, so
// they go to the database in one round trip with the transaction around
// them (InTenantReadBatch) instead of seven.
func (s *OrderService) Dashboard(ctx context.Context, actor *portal.User) (*portal.Dashboard, error) {
	if actor.CustomerID == "" {
		return nil, errNoCustomer
	}
	d := &portal.Dashboard{FirstName: firstName(actor.Name)}
	now := s.db.Now()
	err := s.db.InTenantReadBatch(ctx, customerReadTimeout, func(b *ReadBatch) {
		q, args := accountSummaryQuery(actor.CustomerID)
		b.QueryRow(func(row pgx.Row) (err error) {
			d.Summary, d.SalesRep, d.InProgressCount, err = scanAccountSummary(row)
			return err
		}, q, args...)
		b.Query(func(rows pgx.Rows) (err error) {
			d.OrdersInProgress, err = collectSummaries(rows)
			return err
		}, `SELECT `+orderSummaryColumns+` FROM orders o
			WHERE o.customer_id = $1 AND (o.status IN (`+openStatusesSQL+`) OR `+heldOrdersSQL("$1")+`)
			ORDER BY o.order_date DESC, o.order_number DESC LIMIT 5`,
			actor.CustomerID)
		// Recent shipments are the ones that left: a shipment still being
		// prepared has no ship date and nothing to track yet.
		b.Query(func(rows pgx.Rows) (err error) {
			d.RecentShipments, err = collectShipments(rows)
			return err
		}, shipmentsQuery+`WHERE s.customer_id = $1 AND s.ship_date IS NOT NULL AND o.status <> 'draft'
			ORDER BY s.ship_date DESC, s.shipment_number DESC LIMIT 5`, actor.CustomerID)
		b.Query(func(rows pgx.Rows) (err error) {
			d.RecentInvoices, err = collectInvoices(rows, now)
			return err
		}, recentInvoicesQuery, actor.CustomerID)
	})
	if err != nil {
		return nil, err
	}
	return d, nil
}

// rowScanner is what *sql.Rows (bun) and pgx.Rows (a batch) have in common.
type rowScanner interface {
	Next() bool
	Scan(dest ...any) error
	Err() error
}

// firstName is the welcome's "Welcome back, {first name}".
func firstName(name string) string {
	if f := strings.Fields(name); len(f) > 0 {
		return f[0]
	}
	return ""
}

// accountSummaryTx reads the account card of a customer, its sales rep and
// how many of its orders are in progress, in one statement (sent through
// database/sql, bypassing bun's formatting: its SQL has $n parameters).
func accountSummaryTx(ctx context.Context, tx bun.Tx, customerID string) (portal.AccountSummary, *portal.SalesRep, int, error) {
	q, args := accountSummaryQuery(customerID)
	return scanAccountSummary(tx.Tx.QueryRowContext(ctx, q, args...))
}

// heldOrdersSQL is the condition that o is one of the customer's (its
// parameter) orders held for approval (portal.AwaitingApproval): a draft
// with a pending approval. The ids come from the approvals' own index,
// read once, so the orders' scans only test membership.
func heldOrdersSQL(customer string) string {
	return `o.id = ANY (ARRAY(SELECT a.order_id FROM order_approvals a WHERE a.customer_id = ` + customer + ` AND a.status = 'pending'))`
}

// openStatusesSQL is the list of the internal statuses of orders in
// progress as SQL literals, for an IN (…): constants in the statement's
// text, which the planner weighs with the column's statistics even in a
// generic plan.
var openStatusesSQL = sqlStrings(portal.OpenOrderStatuses())

// sqlStrings writes constant strings as a list of SQL literals.
func sqlStrings(ss []string) string {
	q := make([]string, len(ss))
	for i, s := range ss {
		q[i] = "'" + strings.ReplaceAll(s, "'", "''") + "'"
	}
	return strings.Join(q, ", ")
}

// sqlArgs collects the arguments of a statement written with PostgreSQL's
// numbered parameters: add appends one and returns its $n.
type sqlArgs []any

func (a *sqlArgs) add(v any) string {
	*a = append(*a, v)
	return "$" + strconv.Itoa(len(*a))
}

// accountSummaryQuery is the statement of the account card (see
// scanAccountSummary). The counts and sums come from the customer's rollups
// (migration 22), a few rows per customer whatever its history, kept by
// triggers on orders and invoices.
func accountSummaryQuery(customerID string) (string, []any) {
	return `SELECT c.account_number, c.company_name, c.payment_terms, c.status, c.currency, c.credit_limit_minor,
			coalesce((SELECT sum(i.total_minor - i.paid_minor) FROM customer_invoice_sums i
				WHERE i.tenant_id = c.tenant_id AND i.customer_id = c.id AND i.status IN ('open', 'partially_paid')), 0),
			coalesce((SELECT sum(i.total_minor) FROM customer_invoice_sums i
				WHERE i.tenant_id = c.tenant_id AND i.customer_id = c.id AND i.status <> 'void'), 0),
			coalesce((SELECT sum(o.orders) FROM customer_order_counts o
				WHERE o.tenant_id = c.tenant_id AND o.customer_id = c.id AND o.status <> 'draft'), 0),
			coalesce((SELECT sum(o.orders) FROM customer_order_counts o
				WHERE o.tenant_id = c.tenant_id AND o.customer_id = c.id AND o.status IN (` + openStatusesSQL + `)), 0)
				+ (SELECT count(*) FROM order_approvals a WHERE a.tenant_id = c.tenant_id AND a.customer_id = c.id AND a.status = 'pending'),
			r.id IS NOT NULL, coalesce(r.name, ''), coalesce(r.email, ''), coalesce(r.phone, '')
		FROM customers c LEFT JOIN sales_reps r ON r.tenant_id = c.tenant_id AND r.id = c.sales_rep_id
		WHERE c.id = $1`, []any{customerID}
}

// scanAccountSummary scans the row of accountSummaryQuery: the account card,
// the sales rep (nil without one) and how many orders are in progress.
func scanAccountSummary(row interface{ Scan(...any) error }) (portal.AccountSummary, *portal.SalesRep, int, error) {
	var a portal.AccountSummary
	var inProgress int
	var rep portal.SalesRep
	var hasRep bool
	err := row.Scan(
		&a.AccountNumber, &a.CompanyName, &a.PaymentTerms, &a.Status, &a.CreditLimit.Currency, &a.CreditLimit.Amount,
		&a.OpenBalance.Amount, &a.LifetimeSales.Amount, &a.TotalOrders, &inProgress, &hasRep, &rep.Name, &rep.Email, &rep.Phone)
	if errors.Is(err, sql.ErrNoRows) { // pgx.ErrNoRows is sql.ErrNoRows too
		return a, nil, 0, portal.Errorf(portal.EUNAUTHORIZED, "Sign in to continue.")
	}
	if err != nil {
		return a, nil, 0, err
	}
	cur := a.CreditLimit.Currency
	a.OpenBalance.Currency, a.LifetimeSales.Currency, a.AvailableCredit.Currency = cur, cur, cur
	a.AvailableCredit.Amount = a.CreditLimit.Amount - a.OpenBalance.Amount
	a.CreditLevel = portal.CreditLevelOf(a.AvailableCredit.Amount, a.CreditLimit.Amount)
	if !hasRep {
		return a, nil, inProgress, nil
	}
	return a, &rep, inProgress, nil
}

// recentInvoicesQuery is a customer's five latest invoices.
const recentInvoicesQuery = `SELECT i.id::text, i.invoice_number, coalesce(o.id::text, ''), coalesce(o.order_number, ''),
		i.invoice_date, i.due_date, i.status, i.currency, i.total_minor, i.total_minor - i.amount_paid_minor
	FROM invoices i LEFT JOIN orders o ON o.tenant_id = i.tenant_id AND o.id = i.order_id
	WHERE i.customer_id = $1 ORDER BY i.invoice_date DESC, i.invoice_number DESC LIMIT 5`

// collectInvoices reads the rows of recentInvoicesQuery; an unpaid invoice
// past its due date on now's day is overdue.
func collectInvoices(rows rowScanner, now time.Time) ([]portal.InvoiceSummary, error) {
	out := []portal.InvoiceSummary{}
	today := dateOnly(now)
	for rows.Next() {
		var i portal.InvoiceSummary
		if err := rows.Scan(&i.ID, &i.InvoiceNumber, &i.OrderID, &i.OrderNumber, &i.InvoiceDate, &i.DueDate, &i.Status,
			&i.Total.Currency, &i.Total.Amount, &i.AmountDue.Amount); err != nil {
			return nil, err
		}
		i.AmountDue.Currency = i.Total.Currency
		if i.Status == "void" || i.Status == "paid" {
			i.AmountDue.Amount = 0
		} else if i.DueDate.Before(today) {
			i.Status = "overdue"
		}
		out = append(out, i)
	}
	return out, rows.Err()
}

// dateOnly is t's calendar day in UTC, as dates scan.
func dateOnly(t time.Time) time.Time {
	y, m, d := t.UTC().Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}

func querySummaries(ctx context.Context, tx bun.Tx, query string, args ...any) ([]portal.OrderSummary, error) {
	rows, err := tx.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	return collectSummaries(rows)
}

func collectSummaries(rows rowScanner) ([]portal.OrderSummary, error) {
	out := []portal.OrderSummary{}
	for rows.Next() {
		o, err := scanOrderSummary(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, o)
	}
	return out, rows.Err()
}

// orderSorts are the ORDER BY of each sort; every one ends on the order
// number so pages never overlap. Status sorts by workflow position.
var orderSorts = map[string]string{
	portal.SortOrderDate:   "o.order_date %[1]s, o.order_number %[1]s",
	portal.SortTotal:       "o.total_minor %[1]s, o.order_number %[1]s",
	portal.SortOrderNumber: "o.order_number %[1]s",
	portal.SortPONumber:    "o.po_number %[1]s, o.order_number %[1]s",
	portal.SortStatus: "array_position(ARRAY['draft', 'pending_review', 'confirmed', 'released', 'in_progress', 'partial_complete', " +
		"'complete', 'partial_shipped', 'shipped', 'delivered', 'invoiced', 'on_hold', 'cancelled'], o.status) %[1]s, o.order_date DESC, o.order_number DESC",
}

// FindOrders implements portal.OrderService. A search matches the start of
// words, not text inside them (portal.OrderFilter.Search): each word typed
// is a prefix range of the order's search terms (migration 24), the only
// kind of text match an index can serve under row-level security, where
// ILIKE '%…%' read every order and line of a customer.
//
// It reads on the reads pool (InTenantReadConn): the values are $n
// parameters, so each shape of statement (the sort, which filters, how
// many words and which one drives) is prepared once per connection. The
// page's LIMIT and OFFSET and the caps are literals: a parameter there
// would make the planner of a generic plan guess 10% of the rows.
//
// The statements whose best plan depends on the customer's size are not
// prepared (pgx's exec mode: an unnamed statement, planned for its values
// each time): the list without a search and the walk of a common word
// (see below), where an index walked newest first suits 200,000 orders
// and a sort suits 100. A generic plan, made for an average customer,
// could read all of a big one's orders. The counts of planSearch and the
// reads by terms fetch a bounded number of rows, the same way for every
// customer, and stay prepared.
func (s *OrderService) FindOrders(ctx context.Context, actor *portal.User, f portal.OrderFilter) ([]portal.OrderSummary, int, error) {
	f.Now = s.db.Now()
	if err := f.Validate(); err != nil {
		return nil, 0, err
	}
	if actor.CustomerID == "" {
		return nil, 0, errNoCustomer
	}
	var out []portal.OrderSummary
	var total int
	lastPage := false // the page tells the count
	// Round trips: a search's plan goes with BEGIN; the page and its count
	// go with COMMIT (with BEGIN too when there is no search). So a list
	// costs one and a search two.
	err := s.db.InTenantReadConn(ctx, customerReadTimeout, func(ctx context.Context, b *ReadBatch) error {
		var m *searchMatch
		if f.Search != "" {
			m = queueSearchPlan(b, actor.CustomerID, f.Search)
			if err := b.Send(ctx); err != nil {
				return err
			}
			if m.none {
				out = []portal.OrderSummary{}
				return nil
			}
		}
		offset := (f.Page - 1) * f.PageSize
		queuePage(b, actor.CustomerID, f, m, offset, &out)
		// A word's terms are at least as many as its orders: with fewer
		// terms than a page, the first page is the last and tells the
		// count.
		if m != nil && offset == 0 && m.rarest < f.PageSize {
			lastPage = true
			return nil
		}
		// The page and the count are two statements: a window count over
		// the page query would make it read every matching row before the
		// first one of the page. The count goes with the page even when
		// the page may turn out to tell it (a last page): then fewer
		// orders match than a page holds, and counting them costs about
		// what reading them did, less than a round trip more.
		var args sqlArgs
		byTerms := m != nil && m.rarest < searchByTermsCount
		where := orderWhere(&args, actor.CustomerID, f, m, byTerms)
		query := `SELECT count(*) FROM orders o WHERE ` + where
		if m != nil {
			query = fmt.Sprintf(`SELECT count(*) FROM (SELECT FROM orders o WHERE %s LIMIT %d) m`, where, searchCountLimit)
		}
		b.PlanCacheMode(planMode(byTerms))
		b.QueryRow(func(row pgx.Row) error {
			if err := row.Scan(&total); err != nil {
				return err
			}
			switch {
			case len(out) < f.PageSize && (len(out) > 0 || offset == 0): // the last page: the count is known
				total = offset + len(out)
			case m != nil && total >= searchCountLimit: // a search's count stops there; the page may be past it
				total = max(total, offset+len(out))
			}
			return nil
		}, query, args...)
		return nil
	})
	if lastPage {
		total = len(out)
	}
	return out, total, err
}

// queuePage queues the read of a page of the filter's orders into out, by
// terms when the search's rarest word has few (see searchByTermsPage).
func queuePage(b *ReadBatch, customerID string, f portal.OrderFilter, m *searchMatch, offset int, out *[]portal.OrderSummary) {
	var args sqlArgs
	byTerms := m != nil && m.rarest < searchByTermsPage
	where := orderWhere(&args, customerID, f, m, byTerms)
	dir := "ASC"
	if f.Desc {
		dir = "DESC"
	}
	query := fmt.Sprintf(`SELECT %s FROM orders o WHERE %s ORDER BY %s LIMIT %d OFFSET %s`,
		orderSummaryColumns, where, fmt.Sprintf(orderSorts[f.Sort], dir), f.PageSize, args.add(offset))
	b.PlanCacheMode(planMode(byTerms))
	b.Query(func(rows pgx.Rows) (err error) {
		*out, err = collectSummaries(rows)
		return err
	}, query, args...)
}

// planMode is the plan cache mode of the statements of FindOrders that
// read orders: by terms, their cost does not grow with the customer, so
// PostgreSQL may keep a generic plan; by walking or for the plain list it
// does, so each execution is planned for its customer and a plan made for
// a small customer never serves one with 200,000 orders.
func planMode(byTerms bool) string {
	if byTerms {
		return PlanAuto
	}
	return PlanCustom
}

// A search reads its orders one of two ways, whichever reads less:
//
//   - by terms: the orders of the rarest word's terms (its range of the
//     primary key of order_search_terms, the customer's), fetched by id
//     and then sorted, which costs as many orders as the word has;
//   - by walking: the customer's orders in the list's order, each checked
//     against every word (order_search_terms_idx1), until the page (or the
//     count's cap) is full, which costs the page over the share of orders
//     that match.
//
// For a customer with 200,000 orders the two meet at about 2,000 matches
// for a page of 25 (25 × 200,000 / 2,000 = 2,500 orders walked) and at
// about 15,000 for counting up to SearchCountLimit (1,000 × 200,000 /
// 15,000 ≈ 13,000). planSearch counts each word's terms up to the larger
// bound (searchTermsCounted), in one statement, first. (Variables for the
// tests, which take each way through small data.)
var (
	searchByTermsPage  = 2_000
	searchByTermsCount = searchTermsCounted
)

const searchTermsCounted = 15_000

// searchMatch is a planned search: its words, the index of the rarest and
// how many terms that one has (capped at searchTermsCounted).
type searchMatch struct {
	words  []string
	driver int
	rarest int
	none   bool // a word has no term at all, or there are no words: nothing matches
}

// searchTermRange is the prefix range of one word, the parameter $n, over
// order_search_terms t.
func searchTermRange(n string) string {
	return `t.term >= lower(` + n + `) AND t.term < search_prefix_end(lower(` + n + `))`
}

// queueSearchPlan queues the count of each word's terms (up to
// searchTermsCounted) on b, in one statement; the match it returns is
// planned once b is sent.
func queueSearchPlan(b *ReadBatch, customerID, q string) *searchMatch {
	m := &searchMatch{words: searchWords(q)}
	if len(m.words) == 0 {
		m.none = true // only punctuation
		return m
	}
	var cols []string
	var args sqlArgs
	cust := args.add(customerID)
	for _, w := range m.words {
		cols = append(cols, fmt.Sprintf(`(SELECT count(*) FROM (SELECT FROM order_search_terms t WHERE t.customer_id = %s AND %s LIMIT %d) m)`,
			cust, searchTermRange(args.add(w)), searchTermsCounted))
	}
	b.QueryRow(func(row pgx.Row) error {
		counts := make([]int, len(m.words))
		dest := make([]any, len(counts))
		for i := range counts {
			dest[i] = &counts[i]
		}
		if err := row.Scan(dest...); err != nil {
			return err
		}
		m.driver = 0
		for i, n := range counts {
			if n < counts[m.driver] {
				m.driver = i
			}
		}
		m.rarest = counts[m.driver]
		m.none = m.rarest == 0
		return nil
	}, `SELECT `+strings.Join(cols, ", "), args...)
	return m
}

// orderWhere is the WHERE clause of a validated filter and, with a search,
// of its planned match, read by terms or by walking (see searchByTermsPage);
// its values are added to args.
func orderWhere(args *sqlArgs, customerID string, f portal.OrderFilter, m *searchMatch, byTerms bool) string {
	cust := args.add(customerID)
	conds := []string{"o.customer_id = " + cust}
	if len(f.Statuses) == 0 {
		conds = append(conds, "(o.status NOT IN ('draft', 'cancelled') OR "+heldOrdersSQL(cust)+")")
	} else {
		var internal []string
		held := false
		for _, c := range f.Statuses {
			held = held || c == portal.AwaitingApproval.Code
			internal = append(internal, portal.InternalOrderStatuses(c)...)
		}
		cond := "o.status = ANY (" + args.add(internal) + "::text[])"
		if held {
			cond = "(" + cond + " OR " + heldOrdersSQL(cust) + ")"
		}
		conds = append(conds, cond)
	}
	if f.From != nil && !f.AllTime {
		conds = append(conds, "o.order_date >= "+args.add(dateOnly(*f.From).Format(time.DateOnly)))
	}
	if f.To != nil && !f.AllTime {
		conds = append(conds, "o.order_date <= "+args.add(dateOnly(*f.To).Format(time.DateOnly)))
	}
	if m == nil {
		return strings.Join(conds, " AND ")
	}
	// Comparisons of text are leakproof, so PostgreSQL reads these ranges
	// from the indexes ahead of the tenant policy. By terms, the ids are an
	// array (ARRAY(…) is computed once), so the orders are fetched by
	// primary key and cannot be hash-joined against all of the customer's.
	// The other words are checked per order: OFFSET 0 keeps PostgreSQL
	// from turning the EXISTS into a join that would read each word's whole
	// range first.
	for i, w := range m.words {
		if byTerms && i == m.driver {
			conds = append(conds, `o.id = ANY (ARRAY(SELECT t.order_id FROM order_search_terms t WHERE t.customer_id = `+cust+` AND `+
				searchTermRange(args.add(w))+`))`)
			continue
		}
		conds = append(conds, `EXISTS (SELECT FROM order_search_terms t WHERE t.tenant_id = o.tenant_id AND t.order_id = o.id AND `+
			searchTermRange(args.add(w))+` OFFSET 0)`)
	}
	return strings.Join(conds, " AND ")
}

// maxSearchWords is how many words of a search count; more would add
// joins (one per word) past what the planner searches exhaustively.
const maxSearchWords = 8

// searchWords splits a search into the words it looks for, as the
// database's search_words splits the texts searched (migration 24): at
// white space and at , ; : ( ) [ ] { } ", dropping pieces with no letter or
// digit, and the repeats; the first maxSearchWords count. A word of one
// character is kept: it is the start of longer ones. The database lower-cases.
func searchWords(q string) []string {
	var out []string
	for _, w := range strings.FieldsFunc(q, func(r rune) bool { return unicode.IsSpace(r) || strings.ContainsRune(`,;:()[]{}"`, r) }) {
		if strings.IndexFunc(w, func(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) }) < 0 || slices.Contains(out, w) {
			continue
		}
		if out = append(out, w); len(out) == maxSearchWords {
			break
		}
	}
	return out
}

// FindOrderByID implements portal.OrderService.
func (s *OrderService) FindOrderByID(ctx context.Context, actor *portal.User, id string) (*portal.Order, error) {
	if _, err := uuid.Parse(id); err != nil {
		return nil, errNoOrder
	}
	var o portal.Order
	err := s.read(ctx, actor, func(ctx context.Context, tx bun.Tx) error {
		var shipTo, location string
		var status string
		var loc portal.Location
		sum, err := scanOrderSummary(tx.QueryRowContext(ctx, `SELECT `+orderSummaryColumns+`,
				o.status, o.requested_date, o.promised_date, o.subtotal_minor, o.processing_minor, o.freight_minor, o.tax_minor,
				coalesce(o.ship_to_id::text, ''), coalesce(o.location_id::text, ''),
				coalesce(lo.name, ''), coalesce(lo.phone, ''), coalesce(lo.email, ''), coalesce(lo.city, ''), coalesce(lo.region, '')
			FROM orders o LEFT JOIN locations lo ON lo.tenant_id = o.tenant_id AND lo.id = o.location_id
			WHERE o.id = ? AND o.customer_id = ? AND (o.status <> 'draft'
				OR EXISTS (SELECT FROM order_approvals a WHERE a.tenant_id = o.tenant_id AND a.order_id = o.id))`, id, actor.CustomerID),
			&status, &o.RequestedDate, &o.EstimatedShipDate, &o.Subtotal.Amount, &o.Processing.Amount, &o.Freight.Amount, &o.Tax.Amount,
			&shipTo, &location, &loc.Name, &loc.Phone, &loc.Email, &loc.City, &loc.Region)
		if errors.Is(err, sql.ErrNoRows) {
			return errNoOrder
		}
		if err != nil {
			return err
		}
		o.OrderSummary = sum
		cur := sum.Total.Currency
		o.Subtotal.Currency, o.Processing.Currency, o.Freight.Currency, o.Tax.Currency = cur, cur, cur, cur
		if location != "" {
			o.Location = &loc
		}
		if o.Lines, err = orderLinesTx(ctx, tx, id, cur); err != nil {
			return err
		}
		if o.Timeline, err = timelineTx(ctx, tx, id, status); err != nil {
			return err
		}
		if o.Shipments, err = queryShipments(ctx, tx, `WHERE s.order_id = ? ORDER BY s.ship_date NULLS LAST, s.shipment_number`, id); err != nil {
			return err
		}
		if err := shipmentLinesTx(ctx, tx, o.Shipments); err != nil {
			return err
		}
		if shipTo != "" {
			a, err := scanAddress(tx.QueryRowContext(ctx, `SELECT `+addressColumns+` FROM addresses WHERE id = ? AND customer_id = ?`,
				shipTo, actor.CustomerID))
			if err != nil {
				return err
			}
			o.ShippingAddress = &a
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &o, nil
}

func orderLinesTx(ctx context.Context, tx bun.Tx, orderID, currency string) ([]portal.OrderLine, error) {
	rows, err := tx.QueryContext(ctx, `SELECT l.id::text, l.line_no, coalesce(l.product_id::text, ''), coalesce(p.code, ''), l.description, trim_scale(l.quantity)::text, l.uom,
			l.unit_price_minor, l.line_total_minor, l.job_status, l.processing_notes, l.dimensions, l.grade, l.heat_number, l.has_mtr
		FROM order_lines l LEFT JOIN products p ON p.tenant_id = l.tenant_id AND p.id = l.product_id
		WHERE l.order_id = ? ORDER BY l.line_no`, orderID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []portal.OrderLine{}
	for rows.Next() {
		var l portal.OrderLine
		var job string
		if err := rows.Scan(&l.ID, &l.LineNo, &l.ProductID, &l.ProductCode, &l.Description, &l.Quantity, &l.UOM, &l.UnitPrice.Amount, &l.Total.Amount,
			&job, &l.ProcessingNotes, &l.Dimensions, &l.Grade, &l.HeatNumber, &l.HasMTR); err != nil {
			return nil, err
		}
		l.UnitPrice.Currency, l.Total.Currency = currency, currency
		l.Status, _ = portal.JobStatus(job)
		out = append(out, l)
	}
	return out, rows.Err()
}

// timelineTx builds the five-step progress of an order from its status
// history: each step is dated by the first time the order reached a status
// of that step. An order on hold or cancelled stays at the furthest step it
// had reached; a delivered (or invoiced) order has every step done.
func timelineTx(ctx context.Context, tx bun.Tx, orderID, status string) ([]portal.TimelineEntry, error) {
	rows, err := tx.QueryContext(ctx, `SELECT status, changed_at FROM order_status_history WHERE order_id = ? ORDER BY changed_at, id`, orderID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	reachedAt := make([]*time.Time, len(portal.TimelineSteps))
	furthest := -1
	for rows.Next() {
		var st string
		var at time.Time
		if err := rows.Scan(&st, &at); err != nil {
			return nil, err
		}
		if k := portal.TimelineStep(st); k >= 0 {
			if reachedAt[k] == nil {
				reachedAt[k] = &at
			}
			furthest = max(furthest, k)
		}
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	current := portal.TimelineStep(status)
	if current < 0 {
		current = furthest
	}
	out := make([]portal.TimelineEntry, len(portal.TimelineSteps))
	last := len(portal.TimelineSteps) - 1
	for k, step := range portal.TimelineSteps {
		e := portal.TimelineEntry{ID: step.ID, Label: step.Label, Icon: step.Icon, State: "upcoming", At: reachedAt[k]}
		switch {
		case k < current || (k == current && k == last):
			e.State = "done"
		case k == current:
			e.State = "current"
		default:
			e.At = nil // a date from before a hold that was undone
		}
		out[k] = e
	}
	return out, nil
}

// shipmentsQuery selects shipments s of orders o (see scanShipment); a
// WHERE … ORDER BY … tail follows.
const shipmentsQuery = `SELECT s.id::text, s.shipment_number, o.id::text, o.order_number, s.status, s.carrier, s.carrier_type,
		s.tracking_number, s.tracking_url, s.ship_date, s.estimated_delivery, s.delivered_at
	FROM shipments s JOIN orders o ON o.tenant_id = s.tenant_id AND o.id = s.order_id `

// queryShipments reads shipments s of orders o with the given WHERE …
// ORDER BY … tail; tracking is blanked until the status shows it.
func queryShipments(ctx context.Context, tx bun.Tx, tail string, args ...any) ([]portal.Shipment, error) {
	rows, err := tx.QueryContext(ctx, shipmentsQuery+tail, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	return collectShipments(rows)
}

func collectShipments(rows rowScanner) ([]portal.Shipment, error) {
	out := []portal.Shipment{}
	for rows.Next() {
		sh, err := scanShipment(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, sh)
	}
	return out, rows.Err()
}

func scanShipment(row interface{ Scan(...any) error }, extra ...any) (portal.Shipment, error) {
	var sh portal.Shipment
	var status string
	err := row.Scan(append([]any{&sh.ID, &sh.ShipmentNumber, &sh.OrderID, &sh.OrderNumber, &status, &sh.Carrier, &sh.CarrierType,
		&sh.TrackingNumber, &sh.TrackingURL, &sh.ShipDate, &sh.EstimatedDelivery, &sh.DeliveredAt}, extra...)...)
	sh.Status, _ = portal.ShipmentStatus(status)
	if !sh.Status.ShowTracking {
		sh.TrackingNumber, sh.TrackingURL = "", ""
	}
	return sh, err
}

// shipmentLinesTx fills in the lines of shipments, in one query.
func shipmentLinesTx(ctx context.Context, tx bun.Tx, shipments []portal.Shipment) error {
	if len(shipments) == 0 {
		return nil
	}
	index := make(map[string]int, len(shipments))
	ids := make([]string, len(shipments))
	for i, sh := range shipments {
		index[sh.ID], ids[i] = i, sh.ID
		shipments[i].Lines = []portal.ShipmentLine{}
	}
	rows, err := tx.QueryContext(ctx, `SELECT sl.shipment_id::text, l.line_no, l.description, trim_scale(sl.quantity)::text, l.uom
		FROM shipment_lines sl JOIN order_lines l ON l.tenant_id = sl.tenant_id AND l.id = sl.order_line_id
		WHERE sl.shipment_id IN (?) ORDER BY l.line_no`, bun.In(ids))
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var id string
		var l portal.ShipmentLine
		if err := rows.Scan(&id, &l.LineNo, &l.Description, &l.Quantity, &l.UOM); err != nil {
			return err
		}
		sh := &shipments[index[id]]
		sh.Lines = append(sh.Lines, l)
	}
	return rows.Err()
}

// FindShipments implements portal.OrderService.
func (s *OrderService) FindShipments(ctx context.Context, actor *portal.User, f portal.ShipmentFilter) ([]portal.Shipment, int, error) {
	if err := f.Validate(); err != nil {
		return nil, 0, err
	}
	var out []portal.Shipment
	var total int
	err := s.read(ctx, actor, func(ctx context.Context, tx bun.Tx) error {
		where, args := "WHERE s.customer_id = ? AND o.status <> 'draft'", []any{actor.CustomerID}
		if len(f.Statuses) > 0 {
			var internal []string
			for _, code := range f.Statuses {
				internal = append(internal, portal.InternalShipmentStatuses(code)...)
			}
			where += " AND s.status IN (?)"
			args = append(args, bun.In(internal))
		}
		rows, err := tx.QueryContext(ctx, `SELECT s.id::text, s.shipment_number, o.id::text, o.order_number, s.status, s.carrier, s.carrier_type,
				s.tracking_number, s.tracking_url, s.ship_date, s.estimated_delivery, s.delivered_at, count(*) OVER ()
			FROM shipments s JOIN orders o ON o.tenant_id = s.tenant_id AND o.id = s.order_id `+where+`
			ORDER BY s.ship_date DESC, s.shipment_number DESC LIMIT ? OFFSET ?`,
			append(args, f.PageSize, (f.Page-1)*f.PageSize)...)
		if err != nil {
			return err
		}
		out = []portal.Shipment{}
		for rows.Next() {
			sh, err := scanShipment(rows, &total)
			if err != nil {
				rows.Close()
				return err
			}
			out = append(out, sh)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		if len(out) == 0 && f.Page > 1 {
			if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM shipments s JOIN orders o ON o.tenant_id = s.tenant_id AND o.id = s.order_id `+where,
				args...).Scan(&total); err != nil {
				return err
			}
		}
		return shipmentLinesTx(ctx, tx, out)
	})
	return out, total, err
}

// FindShipmentByID implements portal.OrderService.
func (s *OrderService) FindShipmentByID(ctx context.Context, actor *portal.User, id string) (*portal.Shipment, error) {
	if _, err := uuid.Parse(id); err != nil {
		return nil, errNoShipment
	}
	var sh []portal.Shipment
	err := s.read(ctx, actor, func(ctx context.Context, tx bun.Tx) error {
		var err error
		if sh, err = queryShipments(ctx, tx, `WHERE s.id = ? AND s.customer_id = ? AND o.status <> 'draft'`, id, actor.CustomerID); err != nil {
			return err
		}
		if len(sh) == 0 {
			return errNoShipment
		}
		return shipmentLinesTx(ctx, tx, sh)
	})
	if err != nil {
		return nil, err
	}
	return &sh[0], nil
}

// AccountOverview implements portal.OrderService.
func (s *OrderService) AccountOverview(ctx context.Context, actor *portal.User) (*portal.AccountOverview, error) {
	var a portal.AccountOverview
	err := s.read(ctx, actor, func(ctx context.Context, tx bun.Tx) error {
		var err error
		if a.Summary, a.SalesRep, _, err = accountSummaryTx(ctx, tx, actor.CustomerID); err != nil {
			return err
		}
		c := &a.Company
		if err := tx.QueryRowContext(ctx, `SELECT company_name, account_number, type, payment_terms, email, phone FROM customers WHERE id = ?`,
			actor.CustomerID).Scan(&c.Name, &c.AccountNumber, &c.Type, &c.PaymentTerms, &c.Email, &c.Phone); err != nil {
			return err
		}
		rows, err := tx.QueryContext(ctx, `SELECT name, email, phone, role FROM users
			WHERE customer_id = ? AND status <> 'disabled' ORDER BY name, email`, actor.CustomerID)
		if err != nil {
			return err
		}
		a.Contacts = []portal.Contact{}
		for rows.Next() {
			var p portal.Contact
			if err := rows.Scan(&p.Name, &p.Email, &p.Phone, &p.Role); err != nil {
				rows.Close()
				return err
			}
			a.Contacts = append(a.Contacts, p)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		a.Addresses, err = addressesTx(ctx, tx, actor.CustomerID)
		return err
	})
	if err != nil {
		return nil, err
	}
	return &a, nil
}

// FindPayments implements portal.OrderService.
func (s *OrderService) FindPayments(ctx context.Context, actor *portal.User, f portal.PaymentFilter) ([]portal.Payment, int, error) {
	if err := f.Validate(); err != nil {
		return nil, 0, err
	}
	var out []portal.Payment
	var total int
	err := s.read(ctx, actor, func(ctx context.Context, tx bun.Tx) error {
		conds, args := []string{"p.customer_id = ?"}, []any{actor.CustomerID}
		if f.From != nil {
			conds, args = append(conds, "p.received_on >= ?"), append(args, dateOnly(*f.From))
		}
		if f.To != nil {
			conds, args = append(conds, "p.received_on <= ?"), append(args, dateOnly(*f.To))
		}
		if len(f.Statuses) > 0 {
			conds, args = append(conds, "p.status IN (?)"), append(args, bun.In(f.Statuses))
		}
		where := strings.Join(conds, " AND ")
		rows, err := tx.QueryContext(ctx, `SELECT p.id::text, p.reference, p.method, p.status, p.currency, p.amount_minor, p.received_on,
				coalesce(i.id::text, ''), coalesce(i.invoice_number, ''), count(*) OVER ()
			FROM payments p LEFT JOIN invoices i ON i.tenant_id = p.tenant_id AND i.customer_id = p.customer_id AND i.id = p.invoice_id
			WHERE `+where+` ORDER BY p.received_on DESC, p.created_at DESC, p.id DESC LIMIT ? OFFSET ?`,
			append(args, f.PageSize, (f.Page-1)*f.PageSize)...)
		if err != nil {
			return err
		}
		defer rows.Close()
		out = []portal.Payment{}
		for rows.Next() {
			var p portal.Payment
			if err := rows.Scan(&p.ID, &p.Reference, &p.Method, &p.Status, &p.Amount.Currency, &p.Amount.Amount, &p.ReceivedOn,
				&p.InvoiceID, &p.InvoiceNumber, &total); err != nil {
				return err
			}
			out = append(out, p)
		}
		if err := rows.Err(); err != nil {
			return err
		}
		if len(out) == 0 && f.Page > 1 {
			return tx.QueryRowContext(ctx, `SELECT count(*) FROM payments p WHERE `+where, args...).Scan(&total)
		}
		return nil
	})
	return out, total, err
}
