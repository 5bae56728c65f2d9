package definitions

import (
	"fmt"
	"math"
	"strconv"
	"time"
)

// ord is one generated order with everything that hangs off it, kept
// together until numbering, then flattened into the Dataset.
type ord struct {
	spec      orderSpec
	cust      *custState
	key       string
	order     Order
	lines     []OrderLine
	lineLb    []float64 // weight of each line, lb
	history   []StatusChange
	shipments []Shipment
	shipLines []ShipmentLine
	invoices  []Invoice
}

// orderAges are the ages in days an order in each status plausibly has.
var orderAges = map[string][2]int{
	"draft": {0, 3}, "pending_review": {0, 2}, "confirmed": {1, 4}, "released": {4, 7},
	"in_progress": {6, 10}, "partial_complete": {9, 13}, "complete": {8, 14},
	"partial_shipped": {10, 16}, "shipped": {10, 18}, "delivered": {14, 30},
	"invoiced": {30, 330}, "cancelled": {15, 200}, "on_hold": {5, 60},
}

// stepHours is how long, in hours, reaching each status takes after the
// previous one.
var stepHours = map[string][2]int{
	"confirmed": {2, 20}, "released": {20, 60}, "in_progress": {12, 48},
	"partial_complete": {24, 72}, "complete": {24, 60}, "partial_shipped": {12, 36},
	"shipped": {12, 36}, "delivered": {24, 96}, "invoiced": {2, 30},
	"cancelled": {24, 96}, "on_hold": {24, 72},
}

// statusPath is the walk through the workflow that ends in status.
func statusPath(status string) []string {
	head := []string{"pending_review", "confirmed", "released", "in_progress"}
	switch status {
	case "draft":
		return []string{"draft"}
	case "cancelled", "on_hold":
		return []string{"pending_review", "confirmed", status}
	case "partial_complete":
		return append(head, "partial_complete")
	case "partial_shipped":
		return append(head, "partial_complete", "partial_shipped")
	case "complete", "shipped", "delivered", "invoiced":
		full := append(head, "complete", "shipped", "delivered", "invoiced")
		for i, s := range full {
			if s == status {
				return full[:i+1]
			}
		}
	}
	for i, s := range head {
		if s == status {
			return head[:i+1]
		}
	}
	return []string{status}
}

// orders generates every customer's orders with lines, history, shipments
// and invoices, in the customers' and their order lists' order.
func (g *gen) orders() {
	var all []*ord
	for _, c := range g.customers {
		for j, s := range c.spec.Orders {
			spec, _ := parseOrderSpec(s) // validated
			o := &ord{spec: spec, cust: c, key: c.row.AccountNumber + "/" + strconv.Itoa(j)}
			g.order(o)
			g.fulfil(o)
			all = append(all, o)
		}
	}
	g.built = all
}

// orderAge is the order's age in days, chosen so that its dates fit its
// status: an overdue invoice needs an order older than its payment terms.
func (g *gen) orderAge(o *ord) int {
	r := orderAges[o.spec.status]
	age := g.between(r[0], r[1], o.key, "age")
	terms := o.cust.termsDays
	switch o.spec.invoice {
	case "overdue":
		age = min(terms+g.between(25, 75, o.key, "overdue"), 330)
	case "open", "partially_paid":
		if o.spec.status == "invoiced" {
			age = g.between(16, 16+max(terms-4, 0), o.key, "age")
		}
	}
	return age
}

func (g *gen) order(o *ord) {
	c, key := o.cust, o.key
	age := g.orderAge(o)
	day := g.today.AddDate(0, 0, -age)
	t0 := time.Date(day.Year(), day.Month(), day.Day(), g.between(7, 15, key, "hour"), g.between(0, 59, key, "minute"), 0, 0, g.loc)
	if latest := g.now.Add(-2 * time.Hour); t0.After(latest) {
		t0 = latest
	}
	times := g.timeline(o, t0)
	orderDate := dateOf(t0, g.loc)

	g.lines(o, orderDate)
	var subtotal int64
	weight := 0.0
	for i, l := range o.lines {
		subtotal += l.LineTotal
		weight += o.lineLb[i]
	}
	var freight int64
	if weight <= parcelMaxLb {
		freight = int64(g.between(18, 48, key, "freight")) * 100
	} else {
		freight = 9500 + int64(math.Round(weight*8)) // 8 cents a pound over a base charge
	}
	var tax int64
	if !c.row.TaxExempt {
		tax = (subtotal*g.taxBP + 5000) / 10000
	}

	o.order = Order{
		ID: g.id("order", key), CustomerID: c.row.ID, Status: o.spec.status,
		OrderDate: orderDate, RequestedDate: orderDate.AddDate(0, 0, g.between(5, 21, key, "requested")),
		PlacedByID: c.buyers[g.pick(len(c.buyers), key, "placed_by")],
		ShipToID:   c.shipTo[g.pick(len(c.shipTo), key, "ship_to")],
		LocationID: c.locationID, Currency: g.def.Settings.Currency,
		Subtotal: subtotal, Tax: tax, Freight: freight, Total: subtotal + tax + freight,
		COCRequired: g.pick(4, key, "coc") == 0,
		Notes:       orderNotes[g.pick(len(orderNotes), key, "notes")],
		CreatedAt:   times[0], UpdatedAt: times[len(times)-1],
	}
	if c.spec.PORequired || g.pick(2, key, "po") == 0 {
		o.order.PONumber = fmt.Sprintf("PO-%d", g.between(40000, 89999, key, "po_number"))
	}
	if o.spec.status != "draft" && o.spec.status != "pending_review" {
		o.order.PromisedDate = o.order.RequestedDate.AddDate(0, 0, g.between(-2, 3, key, "promised"))
	}

	path := statusPath(o.spec.status)
	for i, s := range path {
		o.history = append(o.history, StatusChange{
			ID: g.id("order_status", key, strconv.Itoa(i)), OrderID: o.order.ID, Status: s,
			ChangedAt: times[i], Note: g.statusNote(o, s),
		})
	}
}

// orderNotes are customer notes; most orders have none.
var orderNotes = []string{"", "", "", "", "Deliver to dock 3, call 30 minutes ahead.",
	"", "Forklift on site; no liftgate needed.", "", "Tag each piece with the job number."}

// parcelMaxLb is the heaviest order that goes by parcel rather than freight.
const parcelMaxLb = 150

// timeline returns the time of each status of the order's path: typical
// step durations from t0, squeezed when they would run past now.
func (g *gen) timeline(o *ord, t0 time.Time) []time.Time {
	path := statusPath(o.spec.status)
	offsets := make([]time.Duration, len(path))
	for i := 1; i < len(path); i++ {
		r := stepHours[path[i]]
		offsets[i] = offsets[i-1] + time.Duration(g.between(r[0], r[1], o.key, "step", path[i]))*time.Hour +
			time.Duration(g.between(0, 59, o.key, "step_min", path[i]))*time.Minute
	}
	limit := g.now.Add(-20 * time.Minute).Sub(t0)
	if last := offsets[len(offsets)-1]; last > limit && last > 0 {
		for i := range offsets {
			offsets[i] = time.Duration(float64(offsets[i]) * float64(max(limit, 0)) / float64(last)).Truncate(time.Second)
		}
	}
	times := make([]time.Time, len(path))
	for i, d := range offsets {
		times[i] = t0.Add(d).UTC()
	}
	return times
}

// jobStatus is the status of line i of n in an order with status s:
// partial statuses split the lines, so that both halves show.
func jobStatus(s string, i, n int) string {
	first := i < (n+1)/2
	switch s {
	case "in_progress":
		return either(first, "in_progress", "queued")
	case "partial_complete":
		return either(first, "completed", "in_progress")
	case "partial_shipped":
		return either(first, "shipped", "completed")
	case "complete":
		return "staged"
	case "shipped", "delivered", "invoiced":
		return "shipped"
	case "cancelled", "on_hold":
		return s
	default: // draft, pending_review, confirmed, released
		return "queued"
	}
}

func either(cond bool, a, b string) string {
	if cond {
		return a
	}
	return b
}

// lines generates the order's lines: a third of the orders are small
// (light items that go by parcel), the rest are typical mill-shape orders.
func (g *gen) lines(o *ord, orderDate time.Time) {
	key := o.key
	small := g.pick(3, key, "small") == 0
	n := g.between(1, 4, key, "lines")
	if small {
		n = 1
	}
	if s := o.spec.status; s == "in_progress" || s == "partial_complete" || s == "partial_shipped" {
		n = max(n, 2) // a partial status needs lines on both sides
	}
	used := map[int]bool{}
	for i := range n {
		li := strconv.Itoa(i)
		idx := g.pick(len(g.products), key, "product", li)
		for used[idx] || (small && g.products[idx].pieceLb > 60) {
			idx = (idx + 1) % len(g.products)
		}
		used[idx] = true
		p := g.products[idx]
		// Fewer pieces of heavy items: nobody orders eight 6,000 lb plates.
		most := 8
		if p.pieceLb > 1000 {
			most = 2
		} else if p.pieceLb > 300 {
			most = 4
		}
		count := int64(g.between(1, most, key, "count", li))
		if small {
			count = int64(g.between(1, 2, key, "count", li))
		} else if p.row.StockUOM == "sheet" {
			count = int64(g.between(2, 20, key, "count", li))
		}
		lb := float64(count) * p.pieceLb
		var qty Milli
		switch p.row.PricingUOM {
		case "ft":
			qty = Milli(count * p.lengthFt * 1000)
		case "cwt":
			qty = Milli(math.Round(lb * 10)) // lb / 100, in thousandths
		case "lb":
			qty = Milli(math.Round(lb) * 1000)
		default: // ea, sheet
			qty = Milli(count * 1000)
		}
		job := jobStatus(o.spec.status, i, n)
		line := OrderLine{
			ID: g.id("order_line", key, li), OrderID: g.id("order", key), LineNo: i + 1, ProductID: p.row.ID,
			Description: p.row.Name, Grade: p.row.Grade, Dimension: p.row.Dimensions,
			Quantity: qty, UOM: p.row.PricingUOM, UnitPrice: p.row.ListPrice, LineTotal: qty.Times(p.row.ListPrice),
			JobStatus: job, ProcessingNotes: g.processing(p, key, li),
		}
		if job == "in_progress" || job == "staged" || job == "completed" || job == "shipped" {
			// Material has been pulled from stock: it has a heat, and most
			// heats come with a mill test report.
			line.HeatNumber = fmt.Sprintf("%02d%c%05d", (orderDate.Year()-g.pick(2, key, "heat_year", li))%100,
				'A'+rune(g.pick(26, key, "heat_letter", li)), g.pick(100000, key, "heat", li))
			line.HasMTR = p.material != "carbon-steel" || g.pick(3, key, "mtr", li) > 0
		}
		o.lines = append(o.lines, line)
		o.lineLb = append(o.lineLb, lb)
	}
}

// processing returns the processing instructions of a line, if any.
func (g *gen) processing(p *productInfo, key, li string) string {
	if g.pick(3, key, "processing", li) != 0 {
		return ""
	}
	switch p.row.Form {
	case "plate", "sheet":
		if g.pick(2, key, "processing_kind", li) == 0 {
			return fmt.Sprintf("Shear to %d\" x %d\", tolerance ±1/16\"", g.between(12, 36, key, "cut_w", li), g.between(24, 48, key, "cut_l", li))
		}
		return fmt.Sprintf("Plasma cut per drawing D-%d rev B", g.between(1000, 9999, key, "drawing", li))
	default:
		return fmt.Sprintf("Saw cut to %d\" lengths, ±1/16\"", 12*g.between(2, 8, key, "cut", li))
	}
}

// statusNote is the history note of reaching status s.
func (g *gen) statusNote(o *ord, s string) string {
	rep := "customer service"
	for _, r := range g.ds.SalesReps {
		if r.ID == o.cust.row.SalesRepID {
			rep = r.Name
		}
	}
	switch s {
	case "draft":
		return "Saved as a draft in the portal"
	case "pending_review":
		return "Order received through the customer portal"
	case "confirmed":
		return "Confirmed by " + rep
	case "released":
		return "Released to production"
	case "in_progress":
		return "Processing started"
	case "partial_complete":
		return "Some lines are complete"
	case "complete":
		return "All lines complete and staged for shipment"
	case "partial_shipped":
		return "Part of the order has shipped"
	case "shipped":
		return "Shipped"
	case "delivered":
		return "Delivered"
	case "invoiced":
		return "Invoiced"
	case "cancelled":
		return "Cancelled at the customer's request"
	case "on_hold":
		if g.pick(2, o.key, "hold") == 0 {
			return "On hold: credit review"
		}
		return "On hold: waiting for the customer's drawing approval"
	}
	return ""
}
