package pages

import (
	"github.com/maxence-charriere/go-app/v10/pkg/app"
)

// stripeJSURL is Stripe.js; it is loaded only when a user pays or saves a
// card.
const stripeJSURL = "https://js.stripe.com/v3/"

// stripeUnreachable is what a user reads when Stripe.js does not load.
const stripeUnreachable = "The card form could not load (Stripe.js is unreachable). Check your connection and try again; nothing was charged."

// loadStripeJS adds the Stripe.js script once, then calls ready, or failed
// when it cannot load. Both callbacks of the script element are released
// as soon as either has run: a js.Func not released stays allocated for
// the life of the page (each payment used to leave two behind).
func loadStripeJS(ctx app.Context, ready, failed func(app.Context)) {
	win := app.Window()
	if win.Get("Stripe").Truthy() {
		ready(ctx)
		return
	}
	doc := win.Get("document")
	script := doc.Call("createElement", "script")
	script.Set("src", stripeJSURL)
	var onload, onerror app.Func
	release := func() {
		script.Set("onload", nil)
		script.Set("onerror", nil)
		onload.Release()
		onerror.Release()
	}
	onload = app.FuncOf(func(this app.Value, args []app.Value) any {
		release()
		ctx.Dispatch(ready)
		return nil
	})
	onerror = app.FuncOf(func(this app.Value, args []app.Value) any {
		release()
		ctx.Dispatch(failed)
		return nil
	})
	script.Set("onload", onload)
	script.Set("onerror", onerror)
	doc.Get("head").Call("appendChild", script)
}

// newStripe returns a Stripe.js instance for the connected account.
func newStripe(publishableKey, account string) app.Value {
	opts := map[string]any{}
	if account != "" {
		opts["stripeAccount"] = account
	}
	return app.Window().Call("Stripe", publishableKey, opts)
}

// awaitStripe waits for a Stripe.js promise and calls done in the UI
// goroutine with the error message of its result ("" on success), then
// releases both of its callbacks, whichever ran.
func awaitStripe(ctx app.Context, promise app.Value, done func(ctx app.Context, errMsg string)) {
	var then, catch app.Func
	finish := func(msg string) {
		then.Release()
		catch.Release()
		ctx.Dispatch(func(ctx app.Context) { done(ctx, msg) })
	}
	then = app.FuncOf(func(this app.Value, args []app.Value) any {
		msg := ""
		if len(args) > 0 && args[0].Truthy() && args[0].Get("error").Truthy() {
			msg = args[0].Get("error").Get("message").String()
		}
		finish(msg)
		return nil
	})
	catch = app.FuncOf(func(this app.Value, args []app.Value) any {
		finish("The card could not be checked; try again.")
		return nil
	})
	promise.Call("then", then, catch)
}
