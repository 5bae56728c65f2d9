package postgres_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/uptrace/bun"

	"example.com/portal/backend/internal/portal"
)

// priceEvents reads the price.changed events written since the last call,
// each rendered as "type code old→new @effective [extra]" (sorted), and
// checks that every one carries the spec's fields.
type priceEvents struct {
	f    *shopFixture
	seen map[string]bool
	cust map[string]string // portal id -> external id, to name customers
}

func (p *priceEvents) next(t *testing.T) []string {
	t.Helper()
	var rows []struct {
		ID      string
		Subject string
		Payload string
	}
	if err := p.f.app.InTenantTx(p.f.ctx, func(ctx context.Context, tx bun.Tx) error {
		return tx.NewRaw(`SELECT id::text AS id, subject_id::text AS subject, payload::text AS payload FROM outbox_events
			WHERE event_type = 'price.changed'`).Scan(ctx, &rows)
	}); err != nil {
		t.Fatal(err)
	}
	out := []string{}
	for _, r := range rows {
		if p.seen[r.ID] {
			continue
		}
		p.seen[r.ID] = true
		dec := json.NewDecoder(bytes.NewReader([]byte(r.Payload)))
		dec.UseNumber()
		var m map[string]any
		if err := dec.Decode(&m); err != nil {
			t.Fatal(err)
		}
		for _, k := range []string{"product_id", "product_code", "price_type", "old_price", "new_price", "effective_date"} {
			if _, ok := m[k]; !ok {
				t.Errorf("event %s has no %s: %s", r.ID, k, r.Payload)
			}
		}
		if m["product_id"] != r.Subject {
			t.Errorf("event %s: subject %s, product %v", r.ID, r.Subject, m["product_id"])
		}
		price := func(k string) string {
			if m[k] == nil {
				return "null"
			}
			return fmt.Sprint(m[k])
		}
		s := fmt.Sprintf("%s %s %s→%s @%s", m["price_type"], m["product_code"], price("old_price"), price("new_price"), m["effective_date"])
		switch m["price_type"] {
		case "contract":
			s += fmt.Sprintf(" %s min %v to %v", p.cust[fmt.Sprint(m["customer_id"])], m["min_quantity"], m["valid_to"])
		case "quantity_break":
			s += fmt.Sprintf(" min %v", m["min_quantity"])
		case "promotion":
			s += fmt.Sprintf(" bp %v %v", m["percent_off_bp"], m["starts_at"])
			if m["promotion_id"] == nil || m["promotion_id"] == "" {
				t.Errorf("promotion event without promotion_id: %s", r.Payload)
			}
		}
		out = append(out, s)
	}
	slices.Sort(out)
	return out
}

func (p *priceEvents) want(t *testing.T, step string, want ...string) {
	t.Helper()
	slices.Sort(want)
	if got := p.next(t); !slices.Equal(got, want) {
		if want == nil {
			want = []string{}
		}
		t.Errorf("%s: price.changed events\n got  %s\n want %s", step, strings.Join(got, "\n      "), strings.Join(want, "\n      "))
	}
}

// TestPriceChangedEvents: contract prices, quantity breaks and promotions
// pushed through the back office write price.changed (in the row's
// transaction) when created, changed or removed, and pushing the same
// batches again writes none; renaming a promotion is not a price change;
// a row error leaves no event behind.
func TestPriceChangedEvents(t *testing.T) {
	f := newShopFixture(t) // now: 2026-12-07 12:00 UTC
	p := &priceEvents{f: f, seen: map[string]bool{}, cust: map[string]string{}}
	for _, c := range []string{"C-A", "C-B", "C-C"} {
		p.cust[f.ids[c]] = c
	}
	p.want(t, "created",
		"contract AL-PL-025 null→8.50 @2026-12-07 C-A min 0 to <nil>",
		"contract AL-PL-025 null→7.00 @2026-12-07 C-A min 100 to <nil>",
		"contract AL-PL-050 null→15.00 @2026-12-07 C-A min 0 to 2026-12-06",
		"quantity_break AL-PL-025 null→9.00 @2026-12-07 min 10",
		"quantity_break AL-PL-025 null→8.00 @2026-12-07 min 50",
		"promotion AL-PL-050 null→16.00 @2026-12-07 bp <nil> 2026-12-01T00:00:00Z",
		"promotion AL-PL-025 null→5.00 @2027-03-01 bp 5000 2027-03-01T00:00:00Z",
	)

	// The same batches again: unchanged, no event.
	contract := []portal.ContractPriceInput{
		{ExternalID: "CP-1", CustomerExternalID: "C-A", ProductExternalID: "P-1", UnitPrice: 850},
		{ExternalID: "CP-2", CustomerExternalID: "C-A", ProductExternalID: "P-1", MinQuantity: 100, UnitPrice: 700},
	}
	breaks := []portal.PriceBreaksInput{{ProductExternalID: "P-1", Breaks: []portal.PriceBreakInput{{MinQuantity: 50, UnitPrice: 800},
		{MinQuantity: 10, UnitPrice: 900}}}}
	unit := int64(1600)
	promos := []portal.PromotionInput{{ExternalID: "PR-1", ProductExternalID: "P-2", Name: "December", UnitPrice: &unit,
		StartsAt: "2026-12-01T00:00:00Z", EndsAt: "2027-01-01T00:00:00Z"}}
	for _, r := range slices.Concat(mustRows(t, "contract")(f.bo.UpsertContractPrices(f.ctx, contract)),
		mustRows(t, "breaks")(f.bo.SetPriceBreaks(f.ctx, breaks)), mustRows(t, "promotions")(f.bo.UpsertPromotions(f.ctx, promos))) {
		if r.Status != portal.RowUnchanged {
			t.Errorf("re-push: %+v", r)
		}
	}
	p.want(t, "unchanged re-push")

	// Changes: a contract tier repriced, another moved to a later start;
	// a break repriced and one added; a promotion renamed (no event) and
	// another repriced.
	contract[1].UnitPrice = 650
	contract = append(contract, portal.ContractPriceInput{ExternalID: "CP-3", CustomerExternalID: "C-A", ProductExternalID: "P-2",
		UnitPrice: 1500, ValidFrom: "2026-12-20", ValidTo: "2027-06-30"})
	breaks[0].Breaks = []portal.PriceBreakInput{{MinQuantity: 10, UnitPrice: 900}, {MinQuantity: 50, UnitPrice: 750}, {MinQuantity: 100.5, UnitPrice: 700}}
	promos[0].Name = "Holiday"
	mustRows(t, "contract")(f.bo.UpsertContractPrices(f.ctx, contract))
	mustRows(t, "breaks")(f.bo.SetPriceBreaks(f.ctx, breaks))
	mustRows(t, "promotions")(f.bo.UpsertPromotions(f.ctx, promos))
	p.want(t, "changed",
		"contract AL-PL-025 7.00→6.50 @2026-12-07 C-A min 100 to <nil>",
		"contract AL-PL-050 15.00→15.00 @2026-12-20 C-A min 0 to 2027-06-30",
		"quantity_break AL-PL-025 8.00→7.50 @2026-12-07 min 50",
		"quantity_break AL-PL-025 null→7.00 @2026-12-07 min 100.5",
	)
	unit = 1550
	promos = append(promos, portal.PromotionInput{ExternalID: "PR-2", ProductExternalID: "P-2", Name: "Spring", PercentOffBP: 2500,
		StartsAt: "2027-03-01T00:00:00Z", EndsAt: "2027-04-01T00:00:00Z"})
	mustRows(t, "promotions")(f.bo.UpsertPromotions(f.ctx, promos))
	p.want(t, "promotion repriced and moved to another product",
		"promotion AL-PL-050 16.00→15.50 @2026-12-07 bp <nil> 2026-12-01T00:00:00Z",
		"promotion AL-PL-025 5.00→null @2026-12-07 bp 5000 2027-03-01T00:00:00Z",
		"promotion AL-PL-050 null→15.00 @2027-03-01 bp 2500 2027-03-01T00:00:00Z",
	)

	// A contract price moved to another customer ends one price and
	// starts another.
	mustRows(t, "contract")(f.bo.UpsertContractPrices(f.ctx, []portal.ContractPriceInput{
		{ExternalID: "CP-1", CustomerExternalID: "C-C", ProductExternalID: "P-1", UnitPrice: 850}}))
	p.want(t, "contract moved",
		"contract AL-PL-025 8.50→null @2026-12-07 C-A min 0 to <nil>",
		"contract AL-PL-025 null→8.50 @2026-12-07 C-C min 0 to <nil>",
	)

	// Removing the breaks (the only deletion the API has) ends each one.
	mustRows(t, "no breaks")(f.bo.SetPriceBreaks(f.ctx, []portal.PriceBreaksInput{{ProductExternalID: "P-1", Breaks: []portal.PriceBreakInput{}}}))
	p.want(t, "breaks removed",
		"quantity_break AL-PL-025 9.00→null @2026-12-07 min 10",
		"quantity_break AL-PL-025 7.50→null @2026-12-07 min 50",
		"quantity_break AL-PL-025 7.00→null @2026-12-07 min 100.5",
	)

	// A row the database refuses (the tier CP-2 already has) rolls its
	// event back with it; the good row of the batch keeps its own.
	res, err := f.bo.UpsertContractPrices(f.ctx, []portal.ContractPriceInput{
		{ExternalID: "CP-9", CustomerExternalID: "C-A", ProductExternalID: "P-1", MinQuantity: 100, UnitPrice: 1},
		{ExternalID: "CP-10", CustomerExternalID: "C-B", ProductExternalID: "P-4", UnitPrice: 8000},
	})
	if err != nil || res[0].Status != portal.RowError || res[1].Status != portal.RowCreated {
		t.Fatalf("batch with a bad row: %+v %v", res, err)
	}
	p.want(t, "row error", "contract SS-SH-304 null→80.00 @2026-12-07 C-B min 0 to <nil>")

	// The list price still writes its own.
	mustRows(t, "products")(f.bo.UpsertProducts(f.ctx, []portal.ProductInput{{ExternalID: "P-4", Code: "SS-SH-304", Name: "Stainless sheet 304",
		Form: "sheet", Grade: "304", Dimensions: `16 ga x 48" x 120"`, StockUOM: "ea", PricingUOM: "ea", ListPrice: 9500}}))
	p.want(t, "list price", "list SS-SH-304 90.00→95.00 @2026-12-07")
}
