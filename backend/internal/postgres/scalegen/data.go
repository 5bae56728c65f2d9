package scalegen

import (
	"encoding/binary"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"time"
)

// plan is how many customers each tenant has and how many orders each
// customer placed; the rows themselves are generated tenant by tenant.
type plan struct {
	sc      Scale
	tenants []tenantPlan
}

type tenantPlan struct {
	index  int
	id     [16]byte
	slug   string
	name   string
	orders []int // per customer
}

// Customer is a generated customer, as the benchmarks pick them.
type Customer struct {
	TenantID   string
	CustomerID string
	UserID     string
	UserName   string
	Orders     int
}

func newPlan(sc Scale) *plan {
	rng := rand.New(rand.NewPCG(sc.Seed, 1))
	p := &plan{sc: sc}
	type ref struct{ t, c int }
	var rest []ref
	var weights []float64
	total := 0.0
	for ti := range sc.Tenants {
		// 5 to ~35 customers per tenant, averaging Customers/Tenants.
		avg := float64(sc.Customers) / float64(sc.Tenants)
		n := max(1, int(math.Round(avg*(0.25+1.5*rng.Float64()))))
		tp := tenantPlan{index: ti, id: newID(sc.Seed, 0, uint64(ti)), slug: fmt.Sprintf("scale-%04d", ti),
			name: tenantName(ti), orders: make([]int, n)}
		for ci := range n {
			if ci == 0 && ti < len(sc.Big) {
				tp.orders[0] = sc.Big[ti]
				continue
			}
			// Pareto (α ≈ 1.2): most customers order a little, a few a lot.
			w := math.Min(1/math.Pow(1-rng.Float64(), 1/1.2), 400)
			rest, weights, total = append(rest, ref{ti, ci}), append(weights, w), total+w
		}
		p.tenants = append(p.tenants, tp)
	}
	left := sc.Orders
	for _, b := range sc.Big[:min(len(sc.Big), sc.Tenants)] {
		left -= b
	}
	for i, r := range rest {
		p.tenants[r.t].orders[r.c] = max(1, int(math.Round(weights[i]/total*float64(left))))
	}
	return p
}

// Customers lists the customers of a scale's data set with their first user
// and order count, biggest first; it needs no database.
func Customers(sc Scale) []Customer {
	p := newPlan(sc)
	var out []Customer
	for _, t := range p.tenants {
		for ci, n := range t.orders {
			c := newCustomerIDs(sc.Seed, t.index, ci)
			out = append(out, Customer{TenantID: uuidString(t.id), CustomerID: uuidString(c.id), UserID: uuidString(c.user),
				UserName: c.userName, Orders: n})
		}
	}
	slices.SortStableFunc(out, func(a, b Customer) int { return b.Orders - a.Orders })
	return out
}

type customerIDs struct {
	id, user [16]byte
	userName string
}

func newCustomerIDs(seed uint64, ti, ci int) customerIDs {
	k := uint64(ti)<<20 | uint64(ci)
	r := rand.New(rand.NewPCG(seed^0x5eed, k))
	return customerIDs{id: newID(seed, 1, k), user: newID(seed, 2, k<<4),
		userName: firstNames[r.IntN(len(firstNames))] + " " + lastNames[r.IntN(len(lastNames))]}
}

// newID is a deterministic UUID (version 8, "custom"): kind and n in the
// first half keep the ids of one kind ordered, as time-ordered ids are, so
// the primary keys load append-only.
func newID(seed uint64, kind byte, n uint64) [16]byte {
	var b [16]byte
	binary.BigEndian.PutUint64(b[0:8], uint64(kind)<<56|n)
	binary.BigEndian.PutUint64(b[8:16], seed*0x9e3779b97f4a7c15^n*0xbf58476d1ce4e5b9)
	b[6] = b[6]&0x0f | 0x80
	b[8] = b[8]&0x3f | 0x80
	return b
}

func uuidString(b [16]byte) string {
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:16])
}

type table struct {
	name    string
	columns []string
	rows    [][]any
}

type tenantData struct {
	tables []*table
}

func (d *tenantData) add(name string, columns ...string) *table {
	t := &table{name: name, columns: columns}
	d.tables = append(d.tables, t)
	return t
}

const (
	days      = 3 * 365 // orders go back three years from End
	recentDay = 60      // younger orders are still moving through the shop
)

// tenant generates every row of tenant ti; it depends only on the seed and
// ti, so tenants may be generated in any order.
func (p *plan) tenant(ti int) *tenantData {
	tp := p.tenants[ti]
	seed := p.sc.Seed
	rng := rand.New(rand.NewPCG(seed, uint64(ti)+2))
	tid := tp.id
	d := &tenantData{}
	seq := uint64(ti) << 32 // id counter of this tenant
	next := func(kind byte) [16]byte { seq++; return newID(seed, kind, seq) }

	reps := d.add("sales_reps", "tenant_id", "id", "name", "email", "phone")
	var repIDs [][16]byte
	for i := range 3 {
		id := next(3)
		repIDs = append(repIDs, id)
		name := firstNames[rng.IntN(len(firstNames))] + " " + lastNames[rng.IntN(len(lastNames))]
		reps.rows = append(reps.rows, []any{tid, id, name, fmt.Sprintf("rep%d@%s.example", i+1, tp.slug), phone(rng)})
	}
	locs := d.add("locations", "tenant_id", "id", "code", "name", "phone", "city", "region")
	var locIDs [][16]byte
	for i, l := range yards[:2+rng.IntN(3)] {
		id := next(4)
		locIDs = append(locIDs, id)
		locs.rows = append(locs.rows, []any{tid, id, fmt.Sprintf("Y%d", i+1), l[0] + " Yard", phone(rng), l[0], l[1]})
	}
	prods := d.add("products", "tenant_id", "id", "code", "name", "form", "grade", "dimensions", "stock_uom", "pricing_uom", "list_price_minor")
	type product struct {
		id                [16]byte
		name, grade, dims string
		uom               string
		price             int64
	}
	var catalog []product
	for i := range 120 {
		m := materials[rng.IntN(len(materials))]
		dims := m.dims[rng.IntN(len(m.dims))]
		pr := product{id: next(5), name: m.grade + " " + m.form + " " + dims, grade: m.grade, dims: dims, uom: m.uom,
			price: int64(m.price * (0.6 + rng.Float64()))}
		catalog = append(catalog, pr)
		prods.rows = append(prods.rows, []any{tid, pr.id, fmt.Sprintf("P-%05d", 10000+i), pr.name, m.form, m.grade, dims, m.uom, m.uom, pr.price})
	}

	custs := d.add("customers", "tenant_id", "id", "account_number", "company_name", "status", "payment_terms", "credit_limit_minor",
		"sales_rep_id", "email", "phone", "created_at", "updated_at")
	users := d.add("users", "tenant_id", "id", "customer_id", "email", "name", "role", "status", "created_at", "updated_at")
	type order struct {
		cust, user [16]byte
		date       time.Time
		poStyle    int
		acct       string
	}
	var orders []order
	for ci, n := range tp.orders {
		c := newCustomerIDs(seed, ti, ci)
		acct := fmt.Sprintf("C%05d", 10001+ci)
		company := companyName(rng)
		status := "active"
		if rng.IntN(40) == 0 {
			status = "on_hold"
		}
		limit := int64(n) * 5_000_00 / 10 // roughly a month and a half of orders
		custs.rows = append(custs.rows, []any{tid, c.id, acct, company, status, terms[rng.IntN(len(terms))], max(limit, 25_000_00),
			repIDs[rng.IntN(len(repIDs))], "ap@" + strings.ToLower(acct) + ".example", phone(rng), End.AddDate(-4, 0, 0), End})
		nUsers := 1 + rng.IntN(3)
		userIDs := [][16]byte{c.user}
		for u := range nUsers {
			id, name := c.user, c.userName
			if u > 0 {
				id = next(6)
				userIDs = append(userIDs, id)
				name = firstNames[rng.IntN(len(firstNames))] + " " + lastNames[rng.IntN(len(lastNames))]
			}
			email := strings.ToLower(strings.ReplaceAll(name, " ", ".")) + fmt.Sprintf(".%d@%s.example", u, strings.ToLower(acct))
			users.rows = append(users.rows, []any{tid, id, c.id, email, name, []string{"buyer", "admin", "viewer"}[u%3], "active", End.AddDate(-3, 0, 0), End})
		}
		poStyle := rng.IntN(4)
		for range n {
			orders = append(orders, order{cust: c.id, user: userIDs[rng.IntN(len(userIDs))], poStyle: poStyle, acct: acct,
				date: End.AddDate(0, 0, -rng.IntN(days+1))})
		}
	}
	// Order numbers run in date order through the tenant.
	slices.SortStableFunc(orders, func(a, b order) int { return a.date.Compare(b.date) })

	ords := d.add("orders", "tenant_id", "id", "customer_id", "order_number", "po_number", "status", "order_date", "requested_date",
		"promised_date", "placed_by_id", "location_id", "subtotal_minor", "tax_minor", "freight_minor", "total_minor", "created_at", "updated_at")
	lines := d.add("order_lines", "tenant_id", "id", "order_id", "line_no", "product_id", "description", "grade", "dimensions",
		"quantity", "uom", "unit_price_minor", "line_total_minor", "job_status")
	ships := d.add("shipments", "tenant_id", "id", "order_id", "customer_id", "shipment_number", "status", "carrier", "carrier_type",
		"tracking_number", "ship_date", "estimated_delivery", "delivered_at", "created_at", "updated_at")
	invs := d.add("invoices", "tenant_id", "id", "customer_id", "order_id", "invoice_number", "status", "invoice_date", "due_date",
		"subtotal_minor", "tax_minor", "total_minor", "amount_paid_minor", "created_at", "updated_at")
	shipNo, invNo := 100000, 100000
	for oi, o := range orders {
		id := next(7)
		age := int(End.Sub(o.date).Hours() / 24)
		status := orderStatus(rng, age)
		var po string
		switch o.poStyle {
		case 0:
			po = fmt.Sprintf("PO-%05d", rng.IntN(100000))
		case 1:
			po = fmt.Sprintf("4500%06d", rng.IntN(1000000))
		case 2:
			po = fmt.Sprintf("%s-%d-%04d", o.acct, o.date.Year(), rng.IntN(10000))
		}
		if rng.IntN(8) == 0 {
			po = ""
		}
		nLines := 1 + rng.IntN(9)
		var subtotal int64
		for ln := 1; ln <= nLines; ln++ {
			pr := catalog[rng.IntN(len(catalog))]
			qty := float64(1 + rng.IntN(40))
			if pr.uom == "lb" || pr.uom == "ft" {
				qty = float64(10+rng.IntN(4000)) / 2
			}
			total := int64(math.Round(qty * float64(pr.price)))
			subtotal += total
			desc := pr.name
			if rng.IntN(6) == 0 {
				desc += cuts[rng.IntN(len(cuts))]
			}
			lines.rows = append(lines.rows, []any{tid, next(8), id, ln, pr.id, desc, pr.grade, pr.dims, qty, pr.uom, pr.price, total,
				jobStatus(rng, status)})
		}
		tax, freight := subtotal*7/100, int64(50_00+rng.IntN(400_00))
		total := subtotal + tax + freight
		ords.rows = append(ords.rows, []any{tid, id, o.cust, fmt.Sprintf("SO-%06d", 100001+oi), po, status, o.date,
			o.date.AddDate(0, 0, 7+rng.IntN(21)), o.date.AddDate(0, 0, 10+rng.IntN(21)), o.user, locIDs[rng.IntN(len(locIDs))],
			subtotal, tax, freight, total, o.date.Add(9 * time.Hour), o.date.Add(9 * time.Hour)})

		// Shipments: what left the yard, and what is being got ready.
		shipDate := o.date.AddDate(0, 0, 3+rng.IntN(14))
		ship := func(status string, date *time.Time, delivered bool) {
			shipNo++
			carrier := carriers[rng.IntN(len(carriers))]
			var eta, at any
			if date != nil {
				eta = date.AddDate(0, 0, 1+rng.IntN(4))
			}
			if delivered {
				at = date.AddDate(0, 0, 1+rng.IntN(4)).Add(14 * time.Hour)
			}
			var d any
			if date != nil {
				d = *date
			}
			ships.rows = append(ships.rows, []any{tid, next(9), id, o.cust, fmt.Sprintf("SH-%06d", shipNo), status, carrier[0], carrier[1],
				fmt.Sprintf("1Z%08X%08X", rng.Uint32(), rng.Uint32()), d, eta, at, o.date, o.date})
		}
		switch status {
		case "invoiced", "delivered":
			ship("delivered", &shipDate, true)
		case "shipped":
			ship([]string{"shipped", "out_for_delivery", "label_created"}[rng.IntN(3)], &shipDate, false)
		case "partial_shipped":
			ship("delivered", &shipDate, true)
			ship("packed", nil, false)
		case "complete":
			ship("pending", nil, false)
		}
		if status == "invoiced" {
			invNo++
			invDate := shipDate.AddDate(0, 0, 1+rng.IntN(5))
			ist, paid := invoiceStatus(rng, int(End.Sub(invDate).Hours()/24)), int64(0)
			switch ist {
			case "paid":
				paid = total
			case "partially_paid":
				paid = total * int64(20+rng.IntN(60)) / 100
			}
			invs.rows = append(invs.rows, []any{tid, next(10), o.cust, id, fmt.Sprintf("INV-%06d", invNo), ist, invDate, invDate.AddDate(0, 0, 30),
				subtotal, tax, total, paid, invDate, invDate})
		}
	}
	return d
}

// orderStatus: old orders are done (invoiced, a few cancelled or stuck on
// hold); recent ones spread over the workflow, newest earliest in it.
func orderStatus(rng *rand.Rand, age int) string {
	r := rng.IntN(1000)
	if r < 8 {
		return "draft"
	}
	if age > recentDay {
		switch {
		case r < 40:
			return "cancelled"
		case r < 50:
			return "on_hold"
		case r < 110:
			return "delivered"
		}
		return "invoiced"
	}
	flow := []string{"pending_review", "confirmed", "released", "in_progress", "partial_complete", "complete",
		"partial_shipped", "shipped", "delivered", "invoiced"}
	// Position in the workflow grows with age (0 … recentDay days), with noise.
	pos := (age*len(flow))/(recentDay+1) + rng.IntN(3) - 1
	switch {
	case r < 30:
		return "on_hold"
	case r < 50:
		return "cancelled"
	}
	return flow[min(max(pos, 0), len(flow)-1)]
}

func jobStatus(rng *rand.Rand, order string) string {
	switch order {
	case "pending_review", "confirmed", "draft":
		return "queued"
	case "released", "in_progress", "partial_complete":
		return []string{"queued", "in_progress", "staged", "completed"}[rng.IntN(4)]
	case "complete":
		return "staged"
	case "cancelled":
		return "cancelled"
	case "on_hold":
		return "on_hold"
	}
	return "shipped"
}

func invoiceStatus(rng *rand.Rand, age int) string {
	r := rng.IntN(1000)
	if r < 12 {
		return "void"
	}
	if age > 60 {
		switch {
		case r < 30:
			return "open" // overdue
		case r < 40:
			return "partially_paid"
		}
		return "paid"
	}
	switch {
	case r < 550:
		return "open"
	case r < 650:
		return "partially_paid"
	}
	return "paid"
}

func phone(rng *rand.Rand) string {
	return fmt.Sprintf("+1 %03d 555 %04d", 201+rng.IntN(700), rng.IntN(10000))
}

func tenantName(i int) string {
	return fmt.Sprintf("%s %s %d", metalWords[i%len(metalWords)], []string{"Steel", "Metals", "Supply", "Alloys"}[i/len(metalWords)%4], i)
}

func companyName(rng *rand.Rand) string {
	return fmt.Sprintf("%s %s %s", lastNames[rng.IntN(len(lastNames))], industries[rng.IntN(len(industries))],
		[]string{"Inc.", "LLC", "Co.", "Corp."}[rng.IntN(4)])
}

type material struct {
	grade, form, uom string
	price            float64 // minor units per uom
	dims             []string
}

var materials = []material{
	{"A36", "Hot Rolled Plate", "ea", 420_00, []string{"1/4 x 48 x 96", "3/8 x 48 x 96", "1/2 x 48 x 96", "3/4 x 60 x 120", "1 x 96 x 240"}},
	{"A36", "Hot Rolled Flat Bar", "ft", 3_10, []string{"1/4 x 2", "3/8 x 3", "1/2 x 4", "1 x 6"}},
	{"A36", "Angle", "ft", 4_20, []string{"2 x 2 x 1/4", "3 x 3 x 1/4", "4 x 4 x 3/8"}},
	{"A572-50", "Wide Flange Beam", "ft", 28_00, []string{"W8 x 31", "W10 x 33", "W12 x 26", "W14 x 48"}},
	{"A500", "Square Tube", "ft", 6_50, []string{"2 x 2 x 1/4", "3 x 3 x 3/16", "4 x 4 x 1/4"}},
	{"A513", "Rectangular Tube", "ft", 5_40, []string{"2 x 3 x 11ga", "2 x 4 x 3/16"}},
	{"1018", "Cold Drawn Round Bar", "ft", 4_80, []string{"1/2 dia", "1 dia", "1-1/2 dia", "2 dia"}},
	{"4140", "Annealed Round Bar", "ft", 11_20, []string{"1 dia", "2 dia", "3 dia"}},
	{"304", "Stainless Sheet 2B", "ea", 310_00, []string{"16ga x 48 x 96", "14ga x 48 x 120", "11ga x 60 x 120"}},
	{"316L", "Stainless Plate", "ea", 980_00, []string{"1/4 x 48 x 96", "3/8 x 60 x 120"}},
	{"6061-T6", "Aluminum Plate", "ea", 560_00, []string{"1/4 x 48 x 96", "1/2 x 48 x 144"}},
	{"5052-H32", "Aluminum Sheet", "ea", 190_00, []string{".063 x 48 x 96", ".125 x 48 x 120"}},
	{"6063-T52", "Aluminum Angle", "ft", 3_30, []string{"1 x 1 x 1/8", "2 x 2 x 1/4"}},
	{"C110", "Copper Bus Bar", "lb", 9_80, []string{"1/4 x 2", "1/2 x 4"}},
	{"A53-B", "Black Pipe Sch 40", "ft", 7_60, []string{"1 NPS", "2 NPS", "4 NPS"}},
	{"A1011", "Hot Rolled Sheet P&O", "ea", 140_00, []string{"14ga x 48 x 96", "10ga x 60 x 120"}},
	{"A653 G90", "Galvanized Sheet", "ea", 160_00, []string{"16ga x 48 x 120", "12ga x 48 x 96"}},
	{"AR400", "Abrasion Resistant Plate", "ea", 1_450_00, []string{"1/2 x 96 x 240", "3/4 x 96 x 288"}},
}

var cuts = []string{" - cut to 24 in", " - saw cut 2 pcs", " - plasma cut per DWG 114-B", " - shear to size", " - mill cert req"}

var yards = [][2]string{{"Pittsburgh", "PA"}, {"Cleveland", "OH"}, {"Gary", "IN"}, {"Houston", "TX"}, {"Birmingham", "AL"}}

var carriers = [][2]string{{"UPS", "parcel"}, {"FedEx Freight", "freight"}, {"R+L Carriers", "freight"}, {"Own Truck", "own_truck"}, {"Will Call", "pickup"}}

var terms = []string{"NET30", "NET30", "NET45", "NET60", "COD"}

var metalWords = []string{"Allegheny", "Keystone", "Great Lakes", "Buckeye", "Lone Star", "Pioneer", "Summit", "Ironbridge", "Riverside", "Northern"}

var industries = []string{"Fabrication", "Welding", "Machine", "Tool & Die", "Structural", "Manufacturing", "Mechanical", "Trailer"}

var firstNames = []string{"Jane", "John", "Maria", "David", "Linda", "James", "Patricia", "Robert", "Susan", "Michael", "Karen", "Carlos", "Aisha", "Wei", "Priya", "Tom"}

var lastNames = []string{"Smith", "Johnson", "Kowalski", "Garcia", "Miller", "Davis", "Rodriguez", "Nguyen", "Brown", "Wilson", "Anderson", "Taylor", "Moore", "Jackson", "Lee", "Novak"}
