package definitions

import (
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
)

var (
	emailRE    = regexp.MustCompile(`^[a-z0-9._%+\-]+@[a-z0-9.\-]+\.[a-z]{2,}$`)
	localeRE   = regexp.MustCompile(`^[a-z]{2,3}(-[A-Z]{2})?$`)
	currencyRE = regexp.MustCompile(`^[A-Z]{3}$`)
	countryRE  = regexp.MustCompile(`^[A-Z]{2}$`)
	termsRE    = regexp.MustCompile(`^(NET(\d{1,3})|COD|PREPAID)$`)
	codeRE     = regexp.MustCompile(`^[A-Z0-9][A-Z0-9-]*$`)
	keyRE      = regexp.MustCompile(`^[a-z0-9][a-z0-9-]*$`)
)

func validEmail(s string) bool    { return emailRE.MatchString(s) }
func validCurrency(s string) bool { return currencyRE.MatchString(s) }

// The statuses of spec 000 §3 the generator writes, in workflow order.
var (
	orderStatuses = []string{"draft", "pending_review", "confirmed", "released", "in_progress",
		"partial_complete", "complete", "shipped", "partial_shipped", "delivered", "invoiced",
		"cancelled", "on_hold"}
	customerRoles = []string{"admin", "buyer", "viewer", "finance"}
	invoiceStates = []string{"open", "partially_paid", "paid", "void", "overdue"}
	// shipmentChoices lists, per order status with a shipment, the shipment
	// statuses that fit it; the first is the default.
	shipmentChoices = map[string][]string{
		"complete":        {"pending", "picked", "packed", "label_created"},
		"partial_shipped": {"shipped", "out_for_delivery", "delivered", "exception"},
		"shipped":         {"shipped", "out_for_delivery", "exception", "returned"},
		"delivered":       {"delivered"},
		"invoiced":        {"delivered"},
	}
)

// orderSpec is one entry of DemoCustomer.Orders, parsed.
type orderSpec struct {
	status   string // order status
	shipment string // shipment status, "" when the order has no shipment
	invoice  string // invoice state, "" when the order has no invoice
}

// parseOrderSpec parses "<status>[/<shipment status>][/<invoice state>]" and
// fills in the defaults: orders that have left the building have a shipment
// and an invoice, a complete order has a shipment being prepared.
func parseOrderSpec(s string) (orderSpec, error) {
	parts := strings.Split(s, "/")
	spec := orderSpec{status: parts[0]}
	if !slices.Contains(orderStatuses, spec.status) {
		return spec, fmt.Errorf("order status %q: must be one of %s", spec.status, strings.Join(orderStatuses, ", "))
	}
	choices := shipmentChoices[spec.status]
	invoiced := slices.Contains([]string{"partial_shipped", "shipped", "delivered", "invoiced"}, spec.status)
	for _, q := range parts[1:] {
		switch {
		case slices.Contains(choices, q) && spec.shipment == "":
			spec.shipment = q
		case invoiced && slices.Contains(invoiceStates, q) && spec.invoice == "":
			spec.invoice = q
		default:
			allowed := append(append([]string(nil), choices...), invoiceStatesIf(invoiced)...)
			if len(allowed) == 0 {
				return spec, fmt.Errorf("%q: a %s order has no shipment or invoice to qualify", s, spec.status)
			}
			return spec, fmt.Errorf("%q: qualifier %q must be one of %s", s, q, strings.Join(allowed, ", "))
		}
	}
	if spec.shipment == "" && len(choices) > 0 {
		spec.shipment = choices[0]
	}
	if spec.invoice == "" && invoiced {
		spec.invoice = "open"
		if spec.status == "invoiced" {
			spec.invoice = "paid"
		}
	}
	return spec, nil
}

func invoiceStatesIf(ok bool) []string {
	if ok {
		return invoiceStates
	}
	return nil
}

// validate reports every problem of the demo section, naming the field.
func (dm *Demo) validate(d Definition) []error {
	var errs []error
	add := func(format string, args ...any) { errs = append(errs, fmt.Errorf(format, args...)) }

	if len(dm.Password) < 12 {
		add("demo.demo_password: at least 12 characters")
	}
	if dm.Country != "" && !countryRE.MatchString(dm.Country) {
		add("demo.country %q: must be an ISO 3166 code such as US", dm.Country)
	}
	if v, err := parseDecimal(dm.TaxRate, 2); err != nil || v > 5000 {
		add("demo.tax_rate %q: must be a percentage such as \"8.25\"", dm.TaxRate)
	}
	if dm.PricePercent < 50 || dm.PricePercent > 200 {
		add("demo.price_percent %d: must be between 50 and 200", dm.PricePercent)
	}

	reps := map[string]bool{}
	for i, r := range dm.SalesReps {
		p := fmt.Sprintf("demo.sales_reps[%d]", i)
		if !keyRE.MatchString(r.Key) || reps[r.Key] {
			add("%s.key %q: must be a unique lower-case key", p, r.Key)
		}
		reps[r.Key] = true
		if strings.TrimSpace(r.Name) == "" {
			add("%s.name: required", p)
		}
		if !validEmail(r.Email) {
			add("%s.email %q: not a lower-case e-mail address", p, r.Email)
		}
	}

	locs := map[string]bool{}
	if len(dm.Locations) == 0 {
		add("demo.locations: at least one")
	}
	for i, l := range dm.Locations {
		p := fmt.Sprintf("demo.locations[%d]", i)
		if !codeRE.MatchString(l.Code) || locs[l.Code] {
			add("%s.code %q: must be a unique upper-case code", p, l.Code)
		}
		locs[l.Code] = true
		if strings.TrimSpace(l.Name) == "" {
			add("%s.name: required", p)
		}
		errs = append(errs, validateAddress(p, l.DemoAddress)...)
	}

	kinds := map[string]bool{}
	for i, c := range dm.Carriers {
		p := fmt.Sprintf("demo.carriers[%d]", i)
		if strings.TrimSpace(c.Name) == "" {
			add("%s.name: required", p)
		}
		if c.Type != "parcel" && c.Type != "freight" {
			add("%s.type %q: must be parcel or freight", p, c.Type)
		}
		kinds[c.Type] = true
		if !strings.HasPrefix(c.TrackingURL, "https://") || !strings.Contains(c.TrackingURL, "{tracking}") {
			add("%s.tracking_url %q: must be an https:// URL containing {tracking}", p, c.TrackingURL)
		}
	}
	if !kinds["parcel"] || !kinds["freight"] {
		add("demo.carriers: need at least one parcel and one freight carrier")
	}

	emails := map[string]bool{}
	errs = append(errs, dm.validateStaff(emails)...)
	errs = append(errs, dm.validateCustomers(reps, locs, emails)...)
	errs = append(errs, dm.validateCatalog()...)
	return errs
}

// validateStaff checks the staff users; emails collects their addresses,
// which customers' users may not use again (one sign-in per address).
func (dm *Demo) validateStaff(emails map[string]bool) []error {
	var errs []error
	repEmails := map[string]bool{}
	for _, r := range dm.SalesReps {
		repEmails[r.Email] = true
	}
	add := func(format string, args ...any) { errs = append(errs, fmt.Errorf(format, args...)) }
	for i, st := range dm.Staff {
		p := fmt.Sprintf("demo.staff[%d]", i)
		if strings.TrimSpace(st.Name) == "" {
			add("%s.name: required", p)
		}
		if !validEmail(st.Email) || emails[st.Email] {
			add("%s.email %q: must be a lower-case e-mail address, unique in the tenant", p, st.Email)
		}
		emails[st.Email] = true
		switch {
		case st.Role != "tenant_admin" && st.Role != "sales_rep":
			add("%s.role %q: must be tenant_admin or sales_rep", p, st.Role)
		case st.Role == "sales_rep" && !repEmails[st.Email]:
			add("%s.email %q: a sales_rep signs in with a sales rep's e-mail address", p, st.Email)
		}
	}
	return errs
}

func (dm *Demo) validateCustomers(reps, locs, emails map[string]bool) []error {
	var errs []error
	add := func(format string, args ...any) { errs = append(errs, fmt.Errorf(format, args...)) }
	if len(dm.Customers) == 0 {
		add("demo.customers: at least one")
	}
	accounts := map[string]bool{}
	for i, c := range dm.Customers {
		p := fmt.Sprintf("demo.customers[%d]", i)
		if !codeRE.MatchString(c.AccountNumber) || accounts[c.AccountNumber] {
			add("%s.account_number %q: must be a unique upper-case code", p, c.AccountNumber)
		}
		accounts[c.AccountNumber] = true
		if strings.TrimSpace(c.CompanyName) == "" {
			add("%s.company_name: required", p)
		}
		if c.Type != "" && c.Type != "business" && c.Type != "individual" {
			add("%s.type %q: must be business or individual", p, c.Type)
		}
		if c.Status != "" && !slices.Contains([]string{"pending", "active", "on_hold", "closed"}, c.Status) {
			add("%s.status %q: must be pending, active, on_hold or closed", p, c.Status)
		}
		if !termsRE.MatchString(c.PaymentTerms) {
			add("%s.payment_terms %q: must be NET<days>, COD or PREPAID", p, c.PaymentTerms)
		}
		if _, err := parseDecimal(c.CreditLimit, 2); err != nil {
			add("%s.credit_limit %q: must be an amount such as \"25000.00\"", p, c.CreditLimit)
		}
		if c.ProductsDisplay != "" && c.ProductsDisplay != "standard_and_exclusive" && c.ProductsDisplay != "exclusive_only" {
			add("%s.products_display %q: must be standard_and_exclusive or exclusive_only", p, c.ProductsDisplay)
		}
		if c.SalesRep != "" && !reps[c.SalesRep] {
			add("%s.sales_rep %q: no sales rep with that key", p, c.SalesRep)
		}
		if c.Branch != "" && !locs[c.Branch] {
			add("%s.branch %q: no location with that code", p, c.Branch)
		}
		if c.Email != "" && !validEmail(c.Email) {
			add("%s.email %q: not a lower-case e-mail address", p, c.Email)
		}
		errs = append(errs, validateAddress(p+".billing", c.Billing)...)
		if len(c.Shipping) == 0 {
			add("%s.shipping: at least one address", p)
		}
		for j, a := range c.Shipping {
			errs = append(errs, validateAddress(fmt.Sprintf("%s.shipping[%d]", p, j), a)...)
		}
		orderers := 0
		for j, u := range c.Users {
			q := fmt.Sprintf("%s.users[%d]", p, j)
			if strings.TrimSpace(u.Name) == "" {
				add("%s.name: required", q)
			}
			if !validEmail(u.Email) || emails[u.Email] {
				add("%s.email %q: must be a lower-case e-mail address, unique in the tenant", q, u.Email)
			}
			emails[u.Email] = true
			if !slices.Contains(customerRoles, u.Role) {
				add("%s.role %q: must be one of %s", q, u.Role, strings.Join(customerRoles, ", "))
			}
			if u.Role == "admin" || u.Role == "buyer" {
				orderers++
			}
		}
		if len(c.Orders) > 0 && orderers == 0 {
			add("%s.orders: the customer needs an admin or buyer user to place them", p)
		}
		for j, o := range c.Orders {
			if _, err := parseOrderSpec(o); err != nil {
				add("%s.orders[%d]: %v", p, j, err)
			}
		}
	}
	return errs
}

func validateAddress(p string, a DemoAddress) []error {
	var errs []error
	if strings.TrimSpace(a.Line1) == "" {
		errs = append(errs, fmt.Errorf("%s.line1: required", p))
	}
	if strings.TrimSpace(a.City) == "" {
		errs = append(errs, fmt.Errorf("%s.city: required", p))
	}
	if a.Country != "" && !countryRE.MatchString(a.Country) {
		errs = append(errs, fmt.Errorf("%s.country %q: must be an ISO 3166 code such as US", p, a.Country))
	}
	return errs
}

// parseDecimal parses a non-negative decimal with at most places decimals
// into an integer scaled by 10^places ("8.25", 2 → 825). Amounts are strings
// in YAML because a float would not keep cents exact.
func parseDecimal(s string, places int) (int64, error) {
	whole, frac, _ := strings.Cut(s, ".")
	if whole == "" || len(frac) > places || strings.Trim(whole+frac, "0123456789") != "" || len(whole) > 12 {
		return 0, errors.New("not a decimal")
	}
	frac += strings.Repeat("0", places-len(frac))
	return strconv.ParseInt(whole+frac, 10, 64)
}

// mustDecimal is parseDecimal for values Validate has already checked.
func mustDecimal(s string, places int) int64 {
	v, err := parseDecimal(s, places)
	if err != nil {
		panic(fmt.Sprintf("definitions: unvalidated decimal %q", s))
	}
	return v
}

// termsDays is how many days after the invoice date payment is due.
func termsDays(terms string) int {
	m := termsRE.FindStringSubmatch(terms)
	if m == nil || m[2] == "" {
		return 0 // COD, PREPAID: due on the invoice date
	}
	n, _ := strconv.Atoi(m[2])
	return n
}
