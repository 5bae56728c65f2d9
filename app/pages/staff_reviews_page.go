package pages

import (
	"context"

	"example.com/portal/app/apiclient"
	"example.com/portal/app/components"
	"example.com/portal/app/state"
	"example.com/portal/backend/api"
	"github.com/maxence-charriere/go-app/v10/pkg/app"
)

// staffReviewsPage is /portal/staff/reviews: the tenant's product reviews,
// newest first, where a tenant admin hides one (or shows it again).
type staffReviewsPage struct {
	app.Compo

	chrome
	ui      app.Context
	session state.Session

	loadedFor string
	list      []api.Review
	err       error
	loaded    bool
	actErr    error
}

func newStaffReviewsPage() app.Composer { return &staffReviewsPage{} }

// OnInit brands the first client render.
func (p *staffReviewsPage) OnInit() { p.initBrand() }

// OnNav loads the reviews once the session is known.
func (p *staffReviewsPage) OnNav(ctx app.Context) {
	p.ui = ctx
	p.locate(ctx)
	p.setHead(ctx, "Reviews", "Moderate the customers' product reviews")
	ctx.ObserveState(state.KeySession, &p.session).OnChange(p.load)
	p.load()
	if app.IsClient {
		ctx.NewAction(state.ActionLoadSession)
	}
}

func (p *staffReviewsPage) load() {
	u, ok := p.session.User()
	if !ok || p.session.Status != state.Loaded || p.loadedFor == u.Email || !can(u, api.CapabilityReviewsModerate) {
		return
	}
	p.loadedFor = u.Email
	var l api.ReviewList
	callAPI(p.ui, func(c context.Context, cl *apiclient.Client) (err error) { l, err = cl.StaffReviews(c); return }, func(err error) {
		p.list, p.err, p.loaded = l.Reviews, err, true
	})
}

func (p *staffReviewsPage) toggle(id string, hidden bool) app.EventHandler {
	return func(app.Context, app.Event) {
		var r api.Review
		callAPI(p.ui, func(c context.Context, cl *apiclient.Client) (err error) {
			r, err = cl.ModerateReview(c, id, hidden)
			return
		}, func(err error) {
			p.actErr = err
			for i := range p.list {
				if err == nil && p.list[i].ID == id {
					p.list[i] = r
				}
			}
		})
	}
}

// Render implements app.Composer.
func (p *staffReviewsPage) Render() app.UI {
	user, signedIn := p.session.User()
	var signedInAs string
	if signedIn {
		signedInAs = displayName(user)
	}
	content := []app.UI{app.H1().Class("welcome__title").Text("Product Reviews")}
	switch gate := accountGate(p.session, api.CapabilityReviewsModerate); {
	case gate != nil:
		content = append(content, gate)
	case p.err != nil:
		content = append(content, alertLine("reviews-error", problemText(p.err)))
	case !p.loaded:
		content = append(content, app.P().Class("card__status").Text("Loading reviews…"))
	default:
		rows := make([]app.UI, 0, len(p.list))
		for _, r := range p.list {
			label, hide := "Hide", true
			if r.Hidden {
				label, hide = "Show", false
			}
			rows = append(rows, app.Li().ID("staff-review-"+r.ID).Class("account__item").DataSet("hidden", boolText(r.Hidden)).Body(
				stars(r.Rating),
				app.Strong().Text(" "+r.ProductCode+" "+r.ProductName),
				app.P().Text(r.Body),
				app.P().Class("card__note").Text(r.AuthorName+" ("+r.AuthorEmail+", "+r.CustomerName+") · "+components.FormatDay(&r.UpdatedAt)),
				app.Button().ID("staff-review-toggle-"+r.ID).Type("button").Class("button button--small").OnClick(p.toggle(r.ID, hide)).Text(label),
			))
		}
		content = append(content, alertLine("review-action-error", problemText(p.actErr)),
			app.If(len(rows) == 0, func() app.UI { return app.P().Class("card__note").Text("No reviews yet.") }),
			app.Ul().ID("staff-reviews").Class("account__list").Body(rows...))
	}
	return components.NewLayout().Brand(p.brand).Path(p.path).SignedInAs(signedInAs).
		Content(app.Section().Class("card card--wide").Body(content...))
}
