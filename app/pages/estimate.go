package pages

import (
	"example.com/portal/app/components"
	"example.com/portal/backend/api"
	"github.com/maxence-charriere/go-app/v10/pkg/app"
)

// Freight and tax estimates (issue 8): the cart, checkout, guest checkout
// and reorder summaries show the server's estimate (portal.EstimateFreightTax
// through the one pricing path) in the same two rows.

// estimateRows are the summary rows "Estimated freight" and "Estimated
// tax" (ids prefix-freight and prefix-tax) for a <dl>; without an
// estimate (no shipping address chosen yet) one row says when they are
// estimated.
func estimateRows(prefix string, freight, tax api.Money, est *api.FreightTaxEstimate) app.UI {
	if est == nil {
		return app.Div().ID(prefix+"-estimate").Body(
			app.Dt().Text("Freight and tax"),
			app.Dd().ID(prefix+"-estimate-pending").Text("Estimated once a shipping address is chosen"))
	}
	freightText := app.UI(components.MoneyText(freight))
	if est.FreeFreight {
		freightText = app.Span().Text("Free")
	}
	return app.Div().ID(prefix+"-estimate").Body(
		app.Div().Class("estimate-row").Body(app.Dt().Text("Estimated freight"), app.Dd().ID(prefix+"-freight").Body(freightText)),
		app.Div().Class("estimate-row").Body(app.Dt().Text(taxLabel(est)), app.Dd().ID(prefix+"-tax").Body(components.MoneyText(tax))),
	)
}

// taxLabel is the label of an estimate's tax, with its rate when it has one.
func taxLabel(e *api.FreightTaxEstimate) string {
	if e != nil && e.TaxRate != "" && e.TaxRate != "0" {
		return "Estimated tax (" + e.TaxRate + "%)"
	}
	return "Estimated tax"
}

// shippingMethodSelect is a select of the shipping methods (ids and
// labels as checkout offers them) calling set with the chosen code.
func shippingMethodSelect(id, chosen string, set func(string)) app.UI {
	opts := []app.UI{}
	for _, m := range []api.ShippingMethod{{Code: "standard", Label: "Standard delivery"}, {Code: "express", Label: "Express delivery"},
		{Code: "pickup", Label: "Customer pickup"}} {
		opts = append(opts, app.Option().Value(m.Code).Selected(m.Code == chosen).Text(m.Label))
	}
	return app.Select().ID(id).Body(opts...).OnChange(func(ctx app.Context, _ app.Event) { set(ctx.JSSrc().Get("value").String()) })
}
