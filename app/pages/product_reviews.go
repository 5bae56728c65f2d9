package pages

import (
	"context"
	"strconv"
	"strings"

	"example.com/portal/app/apiclient"
	"example.com/portal/app/components"
	"example.com/portal/backend/api"
	"github.com/maxence-charriere/go-app/v10/pkg/app"
)

// ProductReviews is the reviews card of a product page (spec 002
// "Reviews"): the average and count, the visible reviews newest first,
// and, when the signed-in user's account has received the product, a
// form to rate it (1 to 5 stars and a text) or edit their review. Place it
// on the product page with NewProductReviews().ProductID(id).
type ProductReviews struct {
	app.Compo

	IProductID string
	IRate      bool // bring the rating form into view once loaded

	ui       app.Context
	loadedID string
	data     api.ProductReviews
	err      error
	loaded   bool

	rating  int
	body    string
	saving  bool
	saveErr error
	saved   bool
}

// NewProductReviews returns the reviews card; set its product with
// ProductID.
func NewProductReviews() *ProductReviews { return &ProductReviews{} }

// ProductID sets the product whose reviews the card shows.
func (c *ProductReviews) ProductID(id string) *ProductReviews { c.IProductID = id; return c }

// Rate brings the rating form into view once the reviews are loaded (the
// "Rate product" link of a delivered order).
func (c *ProductReviews) Rate(on bool) *ProductReviews { c.IRate = on; return c }

// OnMount loads the reviews.
func (c *ProductReviews) OnMount(ctx app.Context) {
	c.ui = ctx
	c.load()
}

// OnUpdate reloads when the product changes.
func (c *ProductReviews) OnUpdate(ctx app.Context) {
	c.ui = ctx
	c.load()
}

func (c *ProductReviews) load() {
	if c.IProductID == "" || c.loadedID == c.IProductID || !app.IsClient {
		return
	}
	id := c.IProductID
	c.loadedID, c.loaded, c.err = id, false, nil
	var d api.ProductReviews
	callAPI(c.ui, func(ctx context.Context, cl *apiclient.Client) (err error) {
		d, err = cl.ProductReviews(ctx, id)
		return
	}, func(err error) {
		if id != c.loadedID {
			return
		}
		c.data, c.err, c.loaded = d, err, true
		if d.Mine != nil && c.rating == 0 {
			c.rating, c.body = d.Mine.Rating, d.Mine.Body
		}
		if c.IRate && err == nil && d.CanReview {
			c.ui.Defer(func(app.Context) {
				if el := app.Window().GetElementByID("review-form"); el.Truthy() {
					el.Call("scrollIntoView")
				}
				if el := app.Window().GetElementByID("review-star-1"); el.Truthy() {
					el.Call("focus")
				}
			})
		}
	})
}

func (c *ProductReviews) onStar(n int) app.EventHandler {
	return func(app.Context, app.Event) { c.rating, c.saved = n, false }
}

func (c *ProductReviews) onSave(ctx app.Context, e app.Event) {
	e.PreventDefault()
	if c.saving {
		return
	}
	id, in := c.IProductID, api.ReviewInput{Rating: c.rating, Body: c.body}
	c.saving, c.saveErr, c.saved = true, nil, false
	callAPI(c.ui, func(ctx context.Context, cl *apiclient.Client) error {
		_, err := cl.SaveReview(ctx, id, in)
		return err
	}, func(err error) {
		c.saving, c.saveErr = false, err
		if err == nil {
			c.saved, c.loadedID = true, ""
			c.load()
		}
	})
}

// stars renders a rating as ★ and ☆ with its value for screen readers.
func stars(rating int) app.UI {
	return app.Span().Class("stars").Aria("label", strconv.Itoa(rating)+" out of 5 stars").
		Text(strings.Repeat("★", rating) + strings.Repeat("☆", 5-rating))
}

// Render implements app.Composer.
func (c *ProductReviews) Render() app.UI {
	d := c.data
	var body []app.UI
	switch {
	case c.err != nil:
		body = append(body, alertLine("reviews-error", problemText(c.err)))
	case !c.loaded:
		body = append(body, app.P().Class("card__status").Text("Loading reviews…"))
	default:
		summary := "No reviews yet."
		if d.Count > 0 {
			summary = strconv.FormatFloat(d.Average, 'f', 1, 64) + " out of 5 · " + strconv.Itoa(d.Count) + " review"
			if d.Count != 1 {
				summary += "s"
			}
		}
		body = append(body, app.P().ID("reviews-summary").Class("card__note").Text(summary))
		items := make([]app.UI, 0, len(d.Reviews))
		for _, r := range d.Reviews {
			items = append(items, app.Li().ID("review-"+r.ID).Class("review").Body(
				stars(r.Rating),
				app.Strong().Class("review__author").Text(" "+r.AuthorName),
				app.Span().Class("card__note").Text(" · "+components.FormatDay(&r.UpdatedAt)),
				app.If(r.Body != "", func() app.UI { return app.P().Class("review__body").Text(r.Body) }),
			))
		}
		body = append(body, app.Ul().ID("reviews-list").Class("plain-list").Body(items...))
		if d.Mine != nil && d.Mine.Hidden {
			body = append(body, app.P().ID("review-hidden-note").Class("card__note").Text("Your review is hidden by our team and shows to you only."))
		}
		if d.CanReview {
			body = append(body, c.renderForm())
		}
	}
	return app.Section().ID("product-reviews").Class("card card--wide").Aria("labelledby", "product-reviews-title").Body(
		append([]app.UI{app.H2().ID("product-reviews-title").Class("card__title").Text("Reviews")}, body...)...,
	)
}

func (c *ProductReviews) renderForm() app.UI {
	buttons := make([]app.UI, 0, 5)
	for n := 1; n <= 5; n++ {
		symbol := "☆"
		if n <= c.rating {
			symbol = "★"
		}
		buttons = append(buttons, app.Button().ID("review-star-"+strconv.Itoa(n)).Type("button").Class("button button--text review__star").
			Aria("pressed", boolText(n == c.rating)).Aria("label", strconv.Itoa(n)+" stars").OnClick(c.onStar(n)).Text(symbol))
	}
	title := "Rate this product"
	if c.data.Mine != nil {
		title = "Edit your review"
	}
	return app.Form().ID("review-form").OnSubmit(c.onSave).Body(
		app.H3().Class("card__subtitle").Text(title),
		app.Div().Role("group").Aria("label", "Stars").Class("review__stars").Body(buttons...),
		app.Div().Class("field").Body(
			app.Label().For("review-body").Class("field__label").Text("Your review (optional)"),
			app.Textarea().ID("review-body").Class("field__input").MaxLength(2000).
				OnInput(func(ctx app.Context, _ app.Event) { c.body = ctx.JSSrc().Get("value").String() }).Text(c.body),
		),
		alertLine("review-save-error", problemText(c.saveErr)),
		app.If(c.saved, func() app.UI { return statusLine("review-saved", "Thank you: your review is saved.") }),
		app.Button().ID("review-save").Type("submit").Class("button button--primary").Disabled(c.saving || c.rating == 0).Text("Save Review"),
	)
}
