package portal

import "strings"

// Status is how a customer sees an internal status (spec 000 section 3):
// internal statuses never leave the server, only this. Several internal
// statuses may share one customer-facing Code ("released" and
// "in_progress" are both "In Production").
type Status struct {
	Code        string // customer-facing code, the label in snake case: "in_production"
	Label       string // "In Production"
	Color       string // grey | blue | orange | green | yellow | red
	Icon        string // Material Symbols name
	Progress    int    // percent of the way to done; -1 when the spec shows none
	Description string // the spec's "Description Shown"; order statuses only
	// ShowTracking: the shipment's tracking number and link are shown
	// (shipment statuses only).
	ShowTracking bool
}

// statusRow is one row of a status table: the internal status and what
// customers see of it.
type statusRow struct {
	internal string
	Status
}

func row(internal, label, color, icon string, progress int, description string) statusRow {
	code := strings.ReplaceAll(strings.ToLower(label), " ", "_")
	return statusRow{internal, Status{Code: code, Label: label, Color: color, Icon: icon, Progress: progress, Description: description}}
}

// The four tables of spec 000 section 3, in the spec's order; status_test.go
// holds them to a verbatim copy of the spec row by row. Draft orders are not
// in the order table: customers never see them.
var (
	orderStatuses = []statusRow{
		row("pending_review", "Received", "blue", "inbox", 10, "Order received, awaiting confirmation"),
		row("confirmed", "Confirmed", "blue", "check_circle", 20, "Order confirmed and scheduled"),
		row("released", "In Production", "orange", "precision_manufacturing", 40, "Being processed at our facility"),
		row("in_progress", "In Production", "orange", "precision_manufacturing", 50, "Being processed at our facility"),
		row("partial_complete", "Partially Complete", "orange", "hourglass_top", 60, "Some items ready"),
		row("complete", "Ready to Ship", "green", "inventory", 80, "Completed, preparing for shipment"),
		row("shipped", "Shipped", "green", "local_shipping", 90, "On the way"),
		row("partial_shipped", "Partially Shipped", "green", "local_shipping", 85, "Some items shipped"),
		row("delivered", "Delivered", "green", "check_circle", 100, "Delivered"),
		row("invoiced", "Complete", "grey", "receipt", 100, "Order complete"),
		row("cancelled", "Cancelled", "red", "cancel", -1, "Order cancelled"),
		row("on_hold", "On Hold", "yellow", "pause_circle", -1, "Contact us for details"),
	}
	jobStatuses = []statusRow{
		row("queued", "Scheduled", "grey", "schedule", -1, ""),
		row("in_progress", "Processing", "orange", "autorenew", -1, ""),
		row("staged", "Ready", "blue", "check", -1, ""),
		row("completed", "Complete", "green", "check_circle", -1, ""),
		row("shipped", "Shipped", "green", "local_shipping", -1, ""),
		row("cancelled", "Cancelled", "red", "cancel", -1, ""),
		row("on_hold", "On Hold", "yellow", "pause", -1, ""),
	}
	shipmentStatuses = tracking(map[string]bool{"label_created": true, "shipped": true, "out_for_delivery": true,
		"delivered": true, "exception": true, "returned": true},
		row("pending", "Preparing", "grey", "inventory", -1, ""),
		row("picked", "Picked", "blue", "check_box", -1, ""),
		row("packed", "Packed", "blue", "archive", -1, ""),
		row("label_created", "Label Created", "blue", "qr_code", -1, ""),
		row("shipped", "In Transit", "orange", "local_shipping", -1, ""),
		row("out_for_delivery", "Out for Delivery", "orange", "delivery_dining", -1, ""),
		row("delivered", "Delivered", "green", "home", -1, ""),
		row("exception", "Delivery Issue", "red", "warning", -1, ""),
		row("returned", "Returned", "red", "keyboard_return", -1, ""),
	)
	quoteStatuses = []statusRow{
		row("draft", "Draft", "grey", "edit", -1, ""),
		row("submitted", "Submitted", "blue", "send", -1, ""),
		row("under_review", "Under Review", "orange", "hourglass_empty", -1, ""),
		row("quoted", "Quote Ready", "green", "request_quote", -1, ""),
		row("accepted", "Accepted", "green", "check_circle", -1, ""),
		row("expired", "Expired", "red", "timer_off", -1, ""),
		row("declined", "Declined", "red", "cancel", -1, ""),
	}
)

func tracking(show map[string]bool, rows ...statusRow) []statusRow {
	for i := range rows {
		rows[i].ShowTracking = show[rows[i].internal]
	}
	return rows
}

func lookup(rows []statusRow, internal string) (Status, bool) {
	for _, r := range rows {
		if r.internal == internal {
			return r.Status, true
		}
	}
	return Status{}, false
}

// OrderStatus is what customers see of an internal order status; false for
// draft (never shown) and unknown statuses.
func OrderStatus(internal string) (Status, bool) { return lookup(orderStatuses, internal) }

// JobStatus is what customers see of an order line's job status.
func JobStatus(internal string) (Status, bool) { return lookup(jobStatuses, internal) }

// ShipmentStatus is what customers see of a shipment status.
func ShipmentStatus(internal string) (Status, bool) { return lookup(shipmentStatuses, internal) }

// QuoteStatus is what customers see of a quote status.
func QuoteStatus(internal string) (Status, bool) { return lookup(quoteStatuses, internal) }

// CustomerOrderStatuses lists the customer-facing order statuses once
// each, in the spec's order: the options of the orders list's status
// filter.
func CustomerOrderStatuses() []Status { return customerStatuses(orderStatuses) }

// OrderFilterStatuses are the options of the orders list's status filter:
// Awaiting Approval first, then CustomerOrderStatuses. Awaiting Approval is
// not a row of spec 000 §3's table (status_test.go holds the table to the
// spec): it is derived, a draft held by an approval rule (internally
// draft, with a pending order_approvals row), so a requester finds the
// orders they placed that an Admin has yet to approve. Drafts without an
// approval are never shown.
func OrderFilterStatuses() []Status {
	return append([]Status{AwaitingApproval}, CustomerOrderStatuses()...)
}

// CustomerShipmentStatuses lists the customer-facing shipment statuses
// once each: the options of the shipments list's status filter.
func CustomerShipmentStatuses() []Status { return customerStatuses(shipmentStatuses) }

// InternalOrderStatuses returns the internal statuses behind a
// customer-facing code ("in_production" → released, in_progress); nil for
// an unknown code.
func InternalOrderStatuses(code string) []string { return internalStatuses(orderStatuses, code) }

// InternalShipmentStatuses returns the internal shipment statuses behind a
// customer-facing code ("in_transit" → shipped); nil for an unknown code.
func InternalShipmentStatuses(code string) []string { return internalStatuses(shipmentStatuses, code) }

func customerStatuses(rows []statusRow) []Status {
	var out []Status
	seen := map[string]bool{}
	for _, r := range rows {
		if !seen[r.Code] {
			seen[r.Code] = true
			out = append(out, r.Status)
		}
	}
	return out
}

func internalStatuses(rows []statusRow, code string) []string {
	var out []string
	for _, r := range rows {
		if r.Code == code {
			out = append(out, r.internal)
		}
	}
	return out
}

// Internal order statuses, in workflow order.
const (
	OrderDraft           = "draft"
	OrderPendingReview   = "pending_review"
	OrderConfirmed       = "confirmed"
	OrderReleased        = "released"
	OrderInProgress      = "in_progress"
	OrderPartialComplete = "partial_complete"
	OrderComplete        = "complete"
	OrderPartialShipped  = "partial_shipped"
	OrderShipped         = "shipped"
	OrderDelivered       = "delivered"
	OrderInvoiced        = "invoiced"
	OrderCancelled       = "cancelled"
	OrderOnHold          = "on_hold"
)

// orderFlow is the internal order workflow in order. An order moves only
// forward along it (skipping steps is allowed: an ERP may confirm and
// release at once); see OrderTransitionAllowed for cancel and hold.
var orderFlow = []string{OrderDraft, OrderPendingReview, OrderConfirmed, OrderReleased, OrderInProgress,
	OrderPartialComplete, OrderComplete, OrderPartialShipped, OrderShipped, OrderDelivered, OrderInvoiced}

func flowRank(status string) int {
	for i, s := range orderFlow {
		if s == status {
			return i
		}
	}
	return -1
}

// ValidOrderStatus reports whether s is an internal order status.
func ValidOrderStatus(s string) bool {
	return flowRank(s) >= 0 || s == OrderCancelled || s == OrderOnHold
}

// OrderTransitionAllowed is the internal status model of spec 000
// section 3 as the back-office API enforces it:
//   - forward along the workflow (draft → pending_review → confirmed →
//     released → in_progress → partial_complete → complete →
//     partial_shipped → shipped → delivered → invoiced), skipping steps
//     allowed, never backward; a draft is submitted (pending_review) or
//     cancelled before anything else;
//   - cancelled from any status before something shipped (up to complete);
//   - on_hold from any open status before the order is fully shipped, and
//     back from on_hold to any of those statuses or to cancelled;
//   - cancelled and invoiced are final.
//
// Staying in the same status is not a transition (callers treat it as a
// no-op), so it is not allowed here.
func OrderTransitionAllowed(from, to string) bool {
	if from == to || !ValidOrderStatus(from) || !ValidOrderStatus(to) {
		return false
	}
	holdable := func(s string) bool { r := flowRank(s); return r >= 1 && r <= flowRank(OrderPartialShipped) }
	switch {
	case from == OrderCancelled || from == OrderInvoiced:
		return false
	case to == OrderCancelled:
		return from == OrderOnHold || flowRank(from) <= flowRank(OrderComplete)
	case to == OrderOnHold:
		return holdable(from)
	case from == OrderOnHold:
		return holdable(to)
	case from == OrderDraft:
		return to == OrderPendingReview
	default:
		return flowRank(to) > flowRank(from)
	}
}

// OrderOpen reports whether an order in this internal status is still in
// progress for its customer: visible (not a draft), not cancelled and not
// yet delivered. The dashboard's "Orders In Progress" and the badge on
// "View Orders" count these; on hold counts, since the order is not done.
func OrderOpen(internal string) bool {
	switch internal {
	case OrderDraft, OrderCancelled, OrderDelivered, OrderInvoiced:
		return false
	}
	return ValidOrderStatus(internal)
}

// OpenOrderStatuses lists the internal statuses OrderOpen accepts.
func OpenOrderStatuses() []string {
	var out []string
	for _, r := range orderStatuses {
		if OrderOpen(r.internal) {
			out = append(out, r.internal)
		}
	}
	return out
}

// Timeline steps of the order detail's progress (spec 000 order_detail
// status_timeline), in order.
var TimelineSteps = []struct{ ID, Label, Icon string }{
	{"received", "Order Received", "check_circle"},
	{"confirmed", "Confirmed", "thumb_up"},
	{"processing", "Processing", "precision_manufacturing"},
	{"shipped", "Shipped", "local_shipping"},
	{"delivered", "Delivered", "home"},
}

// TimelineStep is the index in TimelineSteps an internal order status
// reaches, or -1 for statuses that are off the timeline (draft, cancelled,
// on hold: the order stays at the step it had reached before).
func TimelineStep(internal string) int {
	switch internal {
	case OrderPendingReview:
		return 0
	case OrderConfirmed:
		return 1
	case OrderReleased, OrderInProgress, OrderPartialComplete, OrderComplete:
		return 2
	case OrderPartialShipped, OrderShipped:
		return 3
	case OrderDelivered, OrderInvoiced:
		return 4
	}
	return -1
}
