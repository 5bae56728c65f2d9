package definitions

import (
	"fmt"
	"slices"
	"sort"
	"strings"
	"time"
)

// trackedStatuses are the shipment statuses whose tracking spec §3 shows:
// from the label on, a shipment has a tracking number and URL.
var trackedStatuses = []string{"label_created", "shipped", "out_for_delivery", "delivered", "exception", "returned"}

// inTransit are the shipment statuses of goods that have left the building.
var inTransit = []string{"shipped", "out_for_delivery", "delivered", "exception", "returned"}

// fulfil adds the order's shipment and invoices, as its spec asks.
func (g *gen) fulfil(o *ord) {
	if o.spec.shipment != "" {
		g.shipment(o)
	}
	if o.spec.invoice != "" {
		g.invoice(o)
	}
}

// stepTime is when the order reached status, or the zero Time.
func (o *ord) stepTime(status string) time.Time {
	for _, h := range o.history {
		if h.Status == status {
			return h.ChangedAt
		}
	}
	return time.Time{}
}

func (g *gen) shipment(o *ord) {
	key, status := o.key, o.spec.shipment
	var lines []int
	weight := 0.0
	for i, l := range o.lines {
		if o.spec.status != "partial_shipped" || l.JobStatus == "shipped" {
			lines = append(lines, i)
			weight += o.lineLb[i]
		}
	}
	kind := "freight"
	if weight <= parcelMaxLb {
		kind = "parcel"
	}
	var carriers []DemoCarrier
	for _, c := range g.demo.Carriers {
		if c.Type == kind {
			carriers = append(carriers, c)
		}
	}
	carrier := carriers[g.pick(len(carriers), key, "carrier")]
	transit := g.between(1, 3, key, "transit")
	if kind == "freight" {
		transit = g.between(2, 5, key, "transit")
	}

	created := o.stepTime("complete")
	if o.spec.status == "partial_shipped" {
		created = o.stepTime("partial_complete")
	}
	s := Shipment{
		ID: g.id("shipment", key), CustomerID: o.order.CustomerID, OrderID: o.order.ID, Status: status,
		Carrier: carrier.Name, CarrierType: kind, CreatedAt: created, UpdatedAt: created,
	}
	if slices.Contains(trackedStatuses, status) {
		s.TrackingNumber = g.trackingNumber(carrier, key)
		s.TrackingURL = strings.ReplaceAll(carrier.TrackingURL, "{tracking}", s.TrackingNumber)
	}
	switch {
	case slices.Contains(inTransit, status):
		shipped := o.stepTime("shipped")
		if shipped.IsZero() {
			shipped = o.stepTime("partial_shipped")
		}
		s.ShipDate = dateOf(shipped, g.loc)
		s.UpdatedAt = shipped
		s.EstimatedDelivery = s.ShipDate.AddDate(0, 0, transit)
		switch status {
		case "shipped":
			s.EstimatedDelivery = maxTime(s.EstimatedDelivery, g.today.AddDate(0, 0, 1))
		case "out_for_delivery":
			s.EstimatedDelivery = g.today
			s.UpdatedAt = maxTime(shipped, g.now.Add(-3*time.Hour))
		case "delivered":
			at := o.stepTime("delivered")
			if at.IsZero() {
				at = minTime(shipped.Add(time.Duration(transit)*24*time.Hour), g.now.Add(-time.Hour))
			}
			s.DeliveredAt, s.UpdatedAt = at, at
			s.EstimatedDelivery = dateOf(at, g.loc)
			s.PODAvailable = kind == "freight" || g.pick(2, key, "pod") == 0
		case "exception", "returned":
			s.UpdatedAt = minTime(shipped.Add(time.Duration(transit)*24*time.Hour), g.now.Add(-time.Hour))
		}
	case status == "label_created":
		s.ShipDate = g.today
		s.EstimatedDelivery = g.today.AddDate(0, 0, transit)
	default: // pending, picked, packed: not yet shipped
		s.EstimatedDelivery = maxTime(o.order.PromisedDate, g.today.AddDate(0, 0, transit))
	}
	o.shipments = append(o.shipments, s)
	for _, i := range lines {
		o.shipLines = append(o.shipLines, ShipmentLine{ShipmentID: s.ID, OrderID: o.order.ID, OrderLineID: o.lines[i].ID, Quantity: o.lines[i].Quantity})
	}
	for i := range o.history {
		switch h := &o.history[i]; h.Status {
		case "shipped":
			h.Note = "Shipped via " + carrier.Name
		case "partial_shipped":
			h.Note = "Part of the order shipped via " + carrier.Name
		}
	}
}

// trackingNumber imitates the carrier's format: UPS 1Z numbers, 12-digit
// parcel numbers, 10-digit freight PRO numbers.
func (g *gen) trackingNumber(c DemoCarrier, key string) string {
	digits := func(n int, salt string) string {
		var b strings.Builder
		for i := range n {
			b.WriteByte('0' + byte(g.pick(10, key, salt, fmt.Sprint(i))))
		}
		return b.String()
	}
	switch {
	case strings.HasPrefix(strings.ToUpper(c.Name), "UPS"):
		const alnum = "0123456789ABCDEFGHJKLMNPRSTUVWXY"
		var acct strings.Builder
		for i := range 6 {
			acct.WriteByte(alnum[g.pick(len(alnum), key, "ups", fmt.Sprint(i))])
		}
		return "1Z" + acct.String() + "03" + digits(8, "ups_pkg")
	case c.Type == "parcel":
		return digits(12, "parcel")
	default:
		return digits(10, "pro")
	}
}

func (g *gen) invoice(o *ord) {
	key, c := o.key, o.cust
	at := o.stepTime("invoiced")
	if at.IsZero() {
		at = o.stepTime("shipped")
	}
	if at.IsZero() {
		at = o.stepTime("partial_shipped")
	}
	subtotal, tax := o.order.Subtotal, o.order.Tax
	if o.spec.status == "partial_shipped" { // bill what has shipped
		subtotal = 0
		for _, l := range o.lines {
			if l.JobStatus == "shipped" {
				subtotal += l.LineTotal
			}
		}
		if !c.row.TaxExempt {
			tax = (subtotal*g.taxBP + 5000) / 10000
		}
	}
	subtotal += o.order.Freight
	date := dateOf(at, g.loc)
	inv := Invoice{
		ID: g.id("invoice", key), CustomerID: c.row.ID, OrderID: o.order.ID,
		InvoiceDate: date, DueDate: date.AddDate(0, 0, c.termsDays), Currency: o.order.Currency,
		Subtotal: subtotal, Tax: tax, Total: subtotal + tax, CreatedAt: at, UpdatedAt: at,
	}
	state := o.spec.invoice
	if state == "void" {
		// Voided and re-issued the next day: the void one stays on record.
		void := inv
		void.Status = "void"
		void.UpdatedAt = minTime(at.Add(20*time.Hour), g.now.Add(-time.Hour))
		o.invoices = append(o.invoices, void)
		inv.ID = g.id("invoice", key, "reissue")
		inv.CreatedAt, inv.UpdatedAt = void.UpdatedAt, void.UpdatedAt
		inv.InvoiceDate = dateOf(void.UpdatedAt, g.loc)
		inv.DueDate = inv.InvoiceDate.AddDate(0, 0, c.termsDays)
		state = "open"
		if o.spec.status == "invoiced" {
			state = "paid"
		}
	}
	switch state {
	case "paid":
		inv.Status, inv.AmountPaid = "paid", inv.Total
		inv.UpdatedAt = minTime(inv.CreatedAt.Add(time.Duration(max(c.termsDays-3, 1))*24*time.Hour), g.now.Add(-time.Hour))
	case "partially_paid":
		inv.Status = "partially_paid"
		inv.AmountPaid = max(inv.Total*40/100/100*100, 1)
		inv.UpdatedAt = minTime(inv.CreatedAt.Add(7*24*time.Hour), g.now.Add(-time.Hour))
	default: // open; overdue is an open invoice past its due date
		inv.Status = "open"
	}
	o.invoices = append(o.invoices, inv)
}

// number hands out the human numbers from per-year counters in the order
// documents were created, as the tenant's counters would have, and flattens
// the orders into the Dataset.
func (g *gen) number() {
	ds := g.ds
	list := slices.Clone(g.built)
	sort.SliceStable(list, func(i, j int) bool { return list[i].order.CreatedAt.Before(list[j].order.CreatedAt) })
	type period struct {
		kind string
		year int
	}
	counters := map[period]int64{}
	next := func(kind string, at time.Time) string {
		year := at.In(g.loc).Year()
		k := period{kind, year}
		counters[k]++
		prefix := map[string]string{"order": "SO", "shipment": "SH", "invoice": "INV"}[kind]
		return fmt.Sprintf("%s-%d-%04d", prefix, year, counters[k])
	}
	for _, o := range list {
		o.order.Number = next("order", o.order.CreatedAt)
	}

	var ships []*Shipment
	var invs []*Invoice
	for _, o := range list {
		for i := range o.shipments {
			ships = append(ships, &o.shipments[i])
		}
		for i := range o.invoices {
			invs = append(invs, &o.invoices[i])
		}
	}
	sort.SliceStable(ships, func(i, j int) bool { return ships[i].CreatedAt.Before(ships[j].CreatedAt) })
	for _, s := range ships {
		s.Number = next("shipment", s.CreatedAt)
	}
	sort.SliceStable(invs, func(i, j int) bool { return invs[i].CreatedAt.Before(invs[j].CreatedAt) })
	for _, inv := range invs {
		inv.Number = next("invoice", inv.CreatedAt)
	}

	for _, o := range list {
		for i := range o.history {
			if h := &o.history[i]; h.Status == "invoiced" && len(o.invoices) > 0 {
				h.Note = "Invoiced on " + o.invoices[len(o.invoices)-1].Number
			}
		}
		ds.Orders = append(ds.Orders, o.order)
		ds.OrderLines = append(ds.OrderLines, o.lines...)
		ds.StatusHistory = append(ds.StatusHistory, o.history...)
		ds.Shipments = append(ds.Shipments, o.shipments...)
		ds.ShipmentLines = append(ds.ShipmentLines, o.shipLines...)
		ds.Invoices = append(ds.Invoices, o.invoices...)
	}
	for k, v := range counters {
		ds.Counters = append(ds.Counters, Counter{Kind: k.kind, Period: k.year, LastValue: v})
	}
	sort.Slice(ds.Counters, func(i, j int) bool {
		a, b := ds.Counters[i], ds.Counters[j]
		return a.Kind < b.Kind || a.Kind == b.Kind && a.Period < b.Period
	})
}

func maxTime(a, b time.Time) time.Time {
	if a.After(b) {
		return a
	}
	return b
}

func minTime(a, b time.Time) time.Time {
	if a.Before(b) {
		return a
	}
	return b
}
