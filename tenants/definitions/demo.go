package definitions

import (
	"fmt"
	"hash/fnv"
	"strings"
	"time"

	"github.com/google/uuid"
)

// Demo is the demo section of a definition: people and accounts written out,
// the catalog as forms × grades × sizes, and orders as one status each. The
// generator (DemoData) expands it into hundreds of consistent rows, so the
// YAML stays short enough to review.
type Demo struct {
	// Password is the password of every demo user, stated once per tenant.
	Password string `yaml:"demo_password"`
	// Country is the default ISO 3166 country of addresses and locations.
	Country string `yaml:"country"`
	// TaxRate is the sales tax in percent ("8.25") charged to customers that
	// are not tax exempt.
	TaxRate string `yaml:"tax_rate"`
	// PricePercent scales the catalog's reference prices (100 = as is), so
	// two tenants selling the same item do not show the same price.
	PricePercent int `yaml:"price_percent"`

	SalesReps []DemoSalesRep `yaml:"sales_reps"`
	// Staff are the distributor's own people who sign in to the staff area.
	Staff     []DemoStaff    `yaml:"staff"`
	Locations []DemoLocation `yaml:"locations"`
	Carriers  []DemoCarrier  `yaml:"carriers"`
	Customers []DemoCustomer `yaml:"customers"`
	Catalog   []DemoFamily   `yaml:"catalog"`
}

// DemoSalesRep is a sales rep; customers refer to it by Key.
type DemoSalesRep struct {
	Key   string `yaml:"key"`
	Name  string `yaml:"name"`
	Email string `yaml:"email"`
	Phone string `yaml:"phone"`
}

// DemoAddress is a postal address; Country defaults to Demo.Country.
type DemoAddress struct {
	Label      string `yaml:"label"`
	Line1      string `yaml:"line1"`
	Line2      string `yaml:"line2"`
	City       string `yaml:"city"`
	Region     string `yaml:"region"`
	PostalCode string `yaml:"postal_code"`
	Country    string `yaml:"country"`
}

// DemoLocation is a branch or warehouse; customers refer to it by Code.
type DemoLocation struct {
	Code        string `yaml:"code"`
	Name        string `yaml:"name"`
	Phone       string `yaml:"phone"`
	Email       string `yaml:"email"`
	TimeZone    string `yaml:"time_zone"` // defaults to the tenant's
	DemoAddress `yaml:",inline"`
}

// DemoCarrier is a carrier shipments go with. TrackingURL contains
// "{tracking}", replaced by the tracking number.
type DemoCarrier struct {
	Name        string `yaml:"name"`
	Type        string `yaml:"type"` // parcel | freight
	TrackingURL string `yaml:"tracking_url"`
}

// DemoCustomer is a customer account with its addresses, users and orders.
type DemoCustomer struct {
	AccountNumber   string        `yaml:"account_number"`
	CompanyName     string        `yaml:"company_name"`
	Type            string        `yaml:"type"`   // business (default) | individual
	Status          string        `yaml:"status"` // active (default) | pending | on_hold | closed
	PaymentTerms    string        `yaml:"payment_terms"`
	CreditLimit     string        `yaml:"credit_limit"` // decimal, e.g. "75000.00"
	PORequired      bool          `yaml:"po_required"`
	ProductsDisplay string        `yaml:"products_display"` // default standard_and_exclusive
	TaxExempt       bool          `yaml:"tax_exempt"`
	SalesRep        string        `yaml:"sales_rep"` // DemoSalesRep.Key
	Branch          string        `yaml:"branch"`    // DemoLocation.Code; default the first
	Phone           string        `yaml:"phone"`
	Email           string        `yaml:"email"`
	Billing         DemoAddress   `yaml:"billing"`
	Shipping        []DemoAddress `yaml:"shipping"`
	Users           []DemoUser    `yaml:"users"`
	// Orders lists one order per entry: "<order status>" optionally followed
	// by "/<shipment status>" and/or "/<invoice state>", e.g.
	// "shipped/out_for_delivery" or "invoiced/overdue" (see orderSpec).
	Orders []string `yaml:"orders"`
}

// DemoUser is a customer user; all sign in with Demo.Password.
type DemoUser struct {
	Name  string `yaml:"name"`
	Email string `yaml:"email"`
	Role  string `yaml:"role"`
	Phone string `yaml:"phone"`
}

// DemoStaff is a tenant staff user; all sign in with Demo.Password. A
// sales_rep signs in with the e-mail address of one of the SalesReps.
type DemoStaff struct {
	Name  string `yaml:"name"`
	Email string `yaml:"email"`
	Role  string `yaml:"role"` // tenant_admin | sales_rep
}

// DemoFamily is a product family: every grade in every size.
type DemoFamily struct {
	Form   string   `yaml:"form"`
	Grades []string `yaml:"grades"`
	// Sizes are the dimensions as customers read them, e.g. `1/4" x 48" x 96"`
	// for plate; the numbers are parsed per form (see forms).
	Sizes []string `yaml:"sizes"`
}

// idNamespace roots the demo rows' name-based UUIDs. Never change it: the ids
// of rows already loaded derive from it.
var idNamespace = uuid.MustParse("3f6b2a94-1c7e-4d0b-9a55-7e2c8d41b0f3")

// DemoData expands d's demo section into a Dataset with dates relative to
// now (orders within the last twelve months).
//
// The expansion is deterministic: the same definition and now give the same
// Dataset, and the ids do not depend on now at all. Ids are name-based UUIDs
// (SHA-1, version 5) of the tenant slug and a stable key, not the UUIDv7 of
// DESIGN §7, so that loading the demo again updates the rows it loaded before
// instead of adding a second copy.
func (d Definition) DemoData(now time.Time) (*Dataset, error) {
	if d.Demo == nil {
		return nil, fmt.Errorf("%s: no demo section", d.Slug)
	}
	if err := d.Validate(); err != nil {
		return nil, err
	}
	loc, err := time.LoadLocation(d.Settings.TimeZone)
	if err != nil {
		return nil, err
	}
	// Whole seconds: the database keeps microseconds, and a value that comes
	// back different would count as a change on every load.
	now = now.Truncate(time.Second)
	g := &gen{
		def:   d,
		demo:  d.Demo,
		now:   now,
		loc:   loc,
		today: dateOf(now, loc),
		ds: &Dataset{
			Slug:     d.Slug,
			Currency: d.Settings.Currency,
			Password: d.Demo.Password,
		},
	}
	g.taxBP = mustDecimal(d.Demo.TaxRate, 2)
	g.accounts()
	g.catalog()
	g.pricing() // shop (issue 8)
	g.orders()
	g.number()
	return g.ds, nil
}

// gen holds the state of one expansion.
type gen struct {
	def   Definition
	demo  *Demo
	now   time.Time
	loc   *time.Location
	today time.Time // date of now in the tenant's time zone
	taxBP int64     // tax rate in basis points
	ds    *Dataset

	repIDs      map[string]string // sales rep key → id
	locationIDs map[string]string // location code → id
	customers   []*custState
	products    []*productInfo
	built       []*ord // the orders, until number flattens them into ds
}

// custState is what order generation needs to know about a customer.
type custState struct {
	spec       *DemoCustomer
	row        *Customer
	buyers     []string // ids of users who may place orders
	shipTo     []string // shipping address ids
	locationID string
	termsDays  int
}

// id returns the deterministic id of the row of kind identified by key.
func (g *gen) id(kind string, key ...string) string {
	name := g.def.Slug + "/" + kind + "/" + strings.Join(key, "/")
	return uuid.NewSHA1(idNamespace, []byte(name)).String()
}

// pick returns a deterministic number in [0, n) for key: the generator's
// only source of variety, so that nothing depends on a random seed.
func (g *gen) pick(n int, key ...string) int {
	if n <= 1 {
		return 0
	}
	h := fnv.New64a()
	h.Write([]byte(g.def.Slug))
	for _, k := range key {
		h.Write([]byte{0})
		h.Write([]byte(k))
	}
	// FNV alone leaves neighbouring keys ("…/0", "…/1") with neighbouring
	// values; the splitmix64 finaliser spreads them.
	x := h.Sum64()
	x ^= x >> 30
	x *= 0xbf58476d1ce4e5b9
	x ^= x >> 27
	x *= 0x94d049bb133111eb
	x ^= x >> 31
	return int(x % uint64(n))
}

// between returns a deterministic number in [lo, hi].
func (g *gen) between(lo, hi int, key ...string) int {
	return lo + g.pick(hi-lo+1, key...)
}

// accounts expands sales reps, locations, customers, their users and
// addresses.
func (g *gen) accounts() {
	ds, demo := g.ds, g.demo
	g.repIDs = map[string]string{}
	for _, r := range demo.SalesReps {
		id := g.id("sales_rep", r.Key)
		g.repIDs[r.Key] = id
		ds.SalesReps = append(ds.SalesReps, SalesRep{ID: id, Name: r.Name, Email: r.Email, Phone: r.Phone, ExternalID: "REP-" + strings.ToUpper(r.Key)})
	}
	g.locationIDs = map[string]string{}
	for _, l := range demo.Locations {
		id := g.id("location", l.Code)
		g.locationIDs[l.Code] = id
		ds.Locations = append(ds.Locations, Location{
			ID: id, Code: l.Code, Name: l.Name, Phone: l.Phone, Email: l.Email,
			Line1: l.Line1, City: l.City, Region: l.Region, PostalCode: l.PostalCode,
			Country: g.country(l.Country), TimeZone: orDefault(l.TimeZone, g.def.Settings.TimeZone),
		})
	}
	for i := range demo.Customers {
		c := &demo.Customers[i]
		acct := c.AccountNumber
		row := Customer{
			ID: g.id("customer", acct), AccountNumber: acct, CompanyName: c.CompanyName,
			Type:            orDefault(c.Type, "business"),
			Status:          orDefault(c.Status, "active"),
			PaymentTerms:    c.PaymentTerms,
			Currency:        g.def.Settings.Currency,
			CreditLimit:     mustDecimal(c.CreditLimit, 2),
			PORequired:      c.PORequired,
			ProductsDisplay: orDefault(c.ProductsDisplay, "standard_and_exclusive"),
			SalesRepID:      g.repIDs[c.SalesRep],
			Phone:           c.Phone, Email: c.Email,
			ExternalID: "CUST-" + acct,
			TaxExempt:  c.TaxExempt,
		}
		ds.Customers = append(ds.Customers, row)
		st := &custState{spec: c, termsDays: termsDays(c.PaymentTerms)}
		st.locationID = g.locationIDs[orDefault(c.Branch, demo.Locations[0].Code)]

		ds.Addresses = append(ds.Addresses, g.address(row.ID, "billing", acct+"/billing", c.Billing, true))
		for j, a := range c.Shipping {
			addr := g.address(row.ID, "shipping", fmt.Sprintf("%s/shipping/%d", acct, j), a, j == 0)
			ds.Addresses = append(ds.Addresses, addr)
			st.shipTo = append(st.shipTo, addr.ID)
		}
		for _, u := range c.Users {
			id := g.id("user", u.Email)
			ds.Users = append(ds.Users, User{
				ID: id, CustomerID: row.ID, Email: u.Email, Name: u.Name, Phone: u.Phone,
				Role: u.Role, Status: "active", Password: demo.Password,
			})
			if u.Role == "admin" || u.Role == "buyer" {
				st.buyers = append(st.buyers, id)
			}
		}
		g.customers = append(g.customers, st)
	}
	// Staff after the customers' users: the first sign-in handed out stays
	// the first customer's admin.
	for _, st := range demo.Staff {
		ds.Users = append(ds.Users, User{
			ID: g.id("user", st.Email), Email: st.Email, Name: st.Name, Role: st.Role,
			Status: "active", Password: demo.Password,
		})
	}
	// Pointers into ds.Customers are only stable once the slice is complete.
	for i, st := range g.customers {
		st.row = &ds.Customers[i]
	}
}

func (g *gen) address(customerID, kind, key string, a DemoAddress, isDefault bool) Address {
	label := a.Label
	if label == "" && kind == "billing" {
		label = "Accounts payable"
	}
	return Address{
		ID: g.id("address", key), CustomerID: customerID, Kind: kind, Label: label,
		Line1: a.Line1, Line2: a.Line2, City: a.City, Region: a.Region, PostalCode: a.PostalCode,
		Country: g.country(a.Country), IsDefault: isDefault,
	}
}

func (g *gen) country(c string) string { return orDefault(c, orDefault(g.demo.Country, "US")) }

func orDefault(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

// dateOf returns the calendar date of t in loc, as midnight UTC.
func dateOf(t time.Time, loc *time.Location) time.Time {
	y, m, d := t.In(loc).Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}
