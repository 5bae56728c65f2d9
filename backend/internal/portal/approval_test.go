package portal

import (
	"strings"
	"testing"
	"time"
)

func TestParseAmount(t *testing.T) {
	for in, want := range map[string]int64{"0": 0, "5000": 500000, "5,000.5": 500050, " 12.34 ": 1234, "1.00": 100} {
		if got, ok := ParseAmount(in); !ok || got != want {
			t.Errorf("ParseAmount(%q) = %d, %v; want %d", in, got, ok, want)
		}
	}
	for _, in := range []string{"", "-1", "1.234", "ten", "1e5", ".5", "99999999999999"} {
		if got, ok := ParseAmount(in); ok {
			t.Errorf("ParseAmount(%q) = %d, want refused", in, got)
		}
	}
}

func TestApprovalDecisionValidate(t *testing.T) {
	for _, c := range []struct {
		d     ApprovalDecision
		field string
	}{
		{ApprovalDecision{Decision: "approve"}, ""},
		{ApprovalDecision{Decision: "reject", Comment: "Over budget"}, ""},
		{ApprovalDecision{Decision: "reject", Comment: "   "}, "comment"},
		{ApprovalDecision{Decision: "maybe"}, "decision"},
		{ApprovalDecision{Decision: "approve", Comment: strings.Repeat("x", 1001)}, "comment"},
	} {
		err := c.d.Validate()
		if c.field == "" && err != nil || c.field != "" && !hasField(err, c.field) {
			t.Errorf("%+v: %v, want field %q", c.d, err, c.field)
		}
	}
}

func hasField(err error, field string) bool {
	e, ok := err.(*Error)
	if !ok {
		return false
	}
	for _, f := range e.Fields {
		if f.Field == field {
			return true
		}
	}
	return false
}

func TestReorderInputValidate(t *testing.T) {
	now := time.Date(2026, 12, 7, 15, 0, 0, 0, time.UTC)
	ok := ReorderInput{PlacementID: "0193a6f0-0000-7000-8000-000000000001", Lines: []ReorderLineInput{{LineNo: 1, Quantity: "2.5"}},
		RequestedDate: "2026-12-07", Now: now}
	if err := ok.Validate(true); err != nil || ok.Lines[0].QuantityMilli() != 2500 {
		t.Fatalf("valid input: %v", err)
	}
	for field, in := range map[string]ReorderInput{
		"placement_id":         {Lines: ok.Lines, Now: now},
		"lines":                {PlacementID: ok.PlacementID, Now: now},
		"lines[1].line_no":     {PlacementID: ok.PlacementID, Lines: []ReorderLineInput{{LineNo: 1, Quantity: "1"}, {LineNo: 1, Quantity: "1"}}, Now: now},
		"lines[0].quantity":    {PlacementID: ok.PlacementID, Lines: []ReorderLineInput{{LineNo: 1, Quantity: "0"}}, Now: now},
		"requested_date":       {PlacementID: ok.PlacementID, Lines: ok.Lines, RequestedDate: "2026-12-06", Now: now},
		"po_number":            {PlacementID: ok.PlacementID, Lines: ok.Lines, PONumber: strings.Repeat("P", 51), Now: now},
		"special_instructions": {PlacementID: ok.PlacementID, Lines: ok.Lines, SpecialInstructions: strings.Repeat("x", 2001), Now: now},
		"shipping_address_id":  {PlacementID: ok.PlacementID, Lines: ok.Lines, ShippingAddressID: "dock", Now: now},
	} {
		if err := in.Validate(true); !hasField(err, field) {
			t.Errorf("%s: %v", field, err)
		}
	}
	// A preview needs neither a placement id nor lines.
	if err := (&ReorderInput{Now: now}).Validate(false); err != nil {
		t.Errorf("empty preview: %v", err)
	}
}

func TestReviewRules(t *testing.T) {
	for name, want := range map[string]string{"Jane Buyer": "Jane B.", "Cher": "Cher", "": "A customer", "Ana María López": "Ana L.",
		"Zoë Ünal": "Zoë Ü."} {
		if got := AuthorDisplayName(name); got != want {
			t.Errorf("AuthorDisplayName(%q) = %q, want %q", name, got, want)
		}
	}
	for rating, valid := range map[int]bool{0: false, 1: true, 5: true, 6: false} {
		in := ReviewInput{Rating: rating}
		if err := in.Validate(); (err == nil) != valid {
			t.Errorf("rating %d: %v", rating, err)
		}
	}
	if err := (&ReviewInput{Rating: 3, Body: strings.Repeat("é", 2001)}).Validate(); !hasField(err, "body") {
		t.Errorf("a long review: %v", err)
	}
	// Awaiting Approval is not one of spec 000's statuses, and no
	// customer-facing code is "draft".
	if _, ok := OrderStatus(OrderDraft); ok || AwaitingApproval.Code == "draft" || strings.Contains(strings.ToLower(AwaitingApproval.Label), "draft") {
		t.Errorf("drafts must not show: %+v", AwaitingApproval)
	}
}
