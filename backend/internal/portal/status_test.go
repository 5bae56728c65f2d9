package portal

import (
	"os"
	"strconv"
	"strings"
	"testing"
)

// specTables reads the four status tables of spec 000 section 3 from the
// verbatim copy in testdata: heading → rows of cells.
func specTables(t *testing.T) map[string][][]string {
	t.Helper()
	data, err := os.ReadFile("testdata/status_mapping.md")
	if err != nil {
		t.Fatal(err)
	}
	tables := map[string][][]string{}
	var heading string
	for _, line := range strings.Split(string(data), "\n") {
		line = strings.TrimSpace(line)
		switch {
		case strings.HasPrefix(line, "### "):
			heading = strings.TrimPrefix(line, "### ")
		case strings.HasPrefix(line, "|") && !strings.HasPrefix(line, "|--"):
			var cells []string
			for _, c := range strings.Split(strings.Trim(line, "|"), "|") {
				cells = append(cells, strings.TrimSpace(c))
			}
			tables[heading] = append(tables[heading], cells)
		}
	}
	for _, h := range []string{"Order Status Mapping", "Job Status Mapping (Line Item Level)", "Shipment Status Mapping", "Quote Status Mapping"} {
		if len(tables[h]) < 2 {
			t.Fatalf("spec table %q not found in testdata", h)
		}
		tables[h] = tables[h][1:] // the header row
	}
	return tables
}

func TestOrderStatusesMatchSpec(t *testing.T) {
	rows := specTables(t)["Order Status Mapping"]
	if len(rows) != len(orderStatuses)+1 { // + draft, which customers never see
		t.Fatalf("spec has %d order statuses, code %d (+ draft)", len(rows), len(orderStatuses))
	}
	for _, r := range rows {
		internal, label, color, icon, progress, desc := r[0], r[1], r[2], r[3], r[4], r[5]
		got, ok := OrderStatus(internal)
		if internal == "draft" {
			if ok || label != "-" {
				t.Errorf("draft must not be visible: %+v", got)
			}
			continue
		}
		want := Status{Label: label, Color: color, Icon: icon, Progress: -1, Description: desc}
		if progress != "-" {
			p, err := strconv.Atoi(strings.TrimSuffix(progress, "%"))
			if err != nil {
				t.Fatalf("%s: progress %q", internal, progress)
			}
			want.Progress = p
		}
		got.Code = ""
		if !ok || got != want {
			t.Errorf("order status %s = %+v, spec says %+v", internal, got, want)
		}
	}
}

func TestLineShipmentQuoteStatusesMatchSpec(t *testing.T) {
	tables := specTables(t)
	for _, tc := range []struct {
		table  string
		lookup func(string) (Status, bool)
		n      int
	}{
		{"Job Status Mapping (Line Item Level)", JobStatus, len(jobStatuses)},
		{"Shipment Status Mapping", ShipmentStatus, len(shipmentStatuses)},
		{"Quote Status Mapping", QuoteStatus, len(quoteStatuses)},
	} {
		rows := tables[tc.table]
		if len(rows) != tc.n {
			t.Errorf("%s: spec has %d rows, code %d", tc.table, len(rows), tc.n)
		}
		for _, r := range rows {
			got, ok := tc.lookup(r[0])
			want := Status{Label: r[1], Color: r[2], Icon: r[3], Progress: -1}
			if len(r) > 4 { // shipments: Show Tracking
				want.ShowTracking = r[4] == "yes"
			}
			got.Code = ""
			if !ok || got != want {
				t.Errorf("%s %s = %+v, spec says %+v", tc.table, r[0], got, want)
			}
		}
	}
}

func TestCustomerOrderStatusCodes(t *testing.T) {
	var codes []string
	for _, s := range CustomerOrderStatuses() {
		codes = append(codes, s.Code)
	}
	want := "received confirmed in_production partially_complete ready_to_ship shipped partially_shipped delivered complete cancelled on_hold"
	if strings.Join(codes, " ") != want {
		t.Errorf("codes = %v, want %s", codes, want)
	}
	if got := InternalOrderStatuses("in_production"); strings.Join(got, ",") != "released,in_progress" {
		t.Errorf("in_production = %v", got)
	}
	if InternalOrderStatuses("draft") != nil || InternalOrderStatuses("nope") != nil {
		t.Error("draft and unknown codes must map to nothing")
	}
}

func TestOrderTransitions(t *testing.T) {
	for _, tc := range []struct {
		from, to string
		ok       bool
	}{
		{"draft", "pending_review", true},
		{"draft", "confirmed", false},
		{"draft", "cancelled", true},
		{"pending_review", "confirmed", true},
		{"confirmed", "in_progress", true}, // skipping released
		{"in_progress", "confirmed", false},
		{"complete", "shipped", true},
		{"shipped", "delivered", true},
		{"delivered", "invoiced", true},
		{"shipped", "cancelled", false},
		{"complete", "cancelled", true},
		{"invoiced", "delivered", false},
		{"cancelled", "confirmed", false},
		{"confirmed", "on_hold", true},
		{"on_hold", "in_progress", true},
		{"on_hold", "cancelled", true},
		{"on_hold", "delivered", false},
		{"shipped", "on_hold", false},
		{"draft", "on_hold", false},
		{"confirmed", "confirmed", false},
		{"confirmed", "bogus", false},
	} {
		if got := OrderTransitionAllowed(tc.from, tc.to); got != tc.ok {
			t.Errorf("%s → %s allowed = %v, want %v", tc.from, tc.to, got, tc.ok)
		}
	}
}

func TestOpenStatusesAndTimeline(t *testing.T) {
	if got := strings.Join(OpenOrderStatuses(), ","); got != "pending_review,confirmed,released,in_progress,partial_complete,complete,shipped,partial_shipped,on_hold" {
		t.Errorf("open statuses = %s", got)
	}
	for s, step := range map[string]int{"pending_review": 0, "released": 2, "partial_shipped": 3, "invoiced": 4, "on_hold": -1, "draft": -1} {
		if got := TimelineStep(s); got != step {
			t.Errorf("TimelineStep(%s) = %d, want %d", s, got, step)
		}
	}
}

// TestOrderFilterStatuses: the status filter offers Awaiting Approval (a
// derived state, not a row of the spec's table) before the spec's codes,
// and the filter accepts it.
func TestOrderFilterStatuses(t *testing.T) {
	got := OrderFilterStatuses()
	if len(got) != len(CustomerOrderStatuses())+1 || got[0] != AwaitingApproval || got[1].Code != "received" {
		t.Errorf("filter statuses = %+v", got)
	}
	f := OrderFilter{Statuses: []string{AwaitingApproval.Code, "shipped"}}
	if err := f.Validate(); err != nil {
		t.Errorf("awaiting_approval refused: %v", err)
	}
	f = OrderFilter{Statuses: []string{"draft"}}
	if f.Validate() == nil {
		t.Error("draft accepted as a filter")
	}
}
