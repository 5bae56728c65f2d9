package pages

import (
	"slices"
	"testing"

	"example.com/portal/backend/api"
)

// TestAddToListSource: the dialog sends the product's line, the whole
// order (no line_nos) when every line is picked, or the picked lines.
func TestAddToListSource(t *testing.T) {
	item := api.CartItemInput{ProductID: "p1", Quantity: "3"}
	if got := NewAddToList().Items(item).source(); len(got.Items) != 1 || got.Items[0].ProductID != "p1" || got.FromOrderID != "" {
		t.Errorf("items: %+v", got)
	}
	c := NewAddToList().Order("o1", []AddToListLine{{No: 1, Label: "a"}, {No: 2, Label: "b"}, {No: 4, Label: "c"}})
	c.picked = map[int]bool{1: true, 2: true, 4: true}
	if got := c.source(); got.FromOrderID != "o1" || got.LineNos != nil || len(got.Items) != 0 {
		t.Errorf("whole order: %+v", got)
	}
	c.picked[2] = false
	if got := c.source(); !slices.Equal(got.LineNos, []int{1, 4}) {
		t.Errorf("picked lines: %+v", got)
	}
	c.picked = map[int]bool{1: false, 2: false, 4: false}
	if !c.nonePicked() {
		t.Error("no line picked, yet Add is offered")
	}
}
