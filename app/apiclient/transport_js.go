//go:build js && wasm

package apiclient

import (
	"context"
	"errors"
	"syscall/js"
)

// roundTrip sends a request with the browser's fetch. It replaces net/http
// in the Wasm build (see the package comment). The request is same-origin
// with credentials, so the session cookie goes along, and the browser marks
// it Sec-Fetch-Site: same-origin, which is what the server's cross-origin
// protection checks on POST and DELETE. A non-nil body is sent as JSON.
// Cancelling ctx aborts the fetch through an AbortController.
func roundTrip(ctx context.Context, method, rawURL string, body []byte) (response, error) {
	if err := ctx.Err(); err != nil {
		return response{}, err
	}
	global := js.Global()
	headers := global.Get("Object").New()
	headers.Set("Accept", "application/json, application/problem+json")
	opts := global.Get("Object").New()
	opts.Set("method", method)
	opts.Set("credentials", "same-origin")
	opts.Set("headers", headers)
	if body != nil {
		headers.Set("Content-Type", jsonContentType)
		// JSON is UTF-8 text, and a JS string is the cheapest body to build
		// from Go (no Uint8Array copy).
		opts.Set("body", string(body))
	}
	if ac := global.Get("AbortController"); ac.Truthy() {
		controller := ac.New()
		opts.Set("signal", controller.Get("signal"))
		stop := context.AfterFunc(ctx, func() { controller.Call("abort") })
		defer stop()
	}

	res, err := await(global.Call("fetch", rawURL, opts))
	if err != nil {
		return response{}, ctxErr(ctx, err)
	}
	buf, err := await(res.Call("arrayBuffer"))
	if err != nil {
		return response{}, ctxErr(ctx, err)
	}
	u8 := global.Get("Uint8Array").New(buf)
	n := u8.Get("length").Int()
	if n > maxBody {
		return response{}, errors.New("response body too large")
	}
	resBody := make([]byte, n)
	js.CopyBytesToGo(resBody, u8)

	h := res.Get("headers")
	return response{
		status:      res.Get("status").Int(),
		contentType: headerValue(h, "Content-Type"),
		requestID:   headerValue(h, "X-Request-Id"),
		body:        resBody,
	}, nil
}

// await blocks the calling goroutine until the promise settles. It must not
// run on the JS event loop's goroutine (go-app runs action handlers and
// ctx.Async functions on their own goroutines). It does not watch ctx: the
// AbortController rejects the promise when ctx ends, and releasing the
// callbacks before the promise settles would make JS call released functions.
func await(promise js.Value) (js.Value, error) {
	type result struct {
		v   js.Value
		err error
	}
	ch := make(chan result, 1)
	onOK := js.FuncOf(func(_ js.Value, args []js.Value) any {
		ch <- result{v: args[0]}
		return nil
	})
	defer onOK.Release()
	onErr := js.FuncOf(func(_ js.Value, args []js.Value) any {
		msg := "fetch failed"
		if len(args) > 0 && args[0].Truthy() {
			msg = args[0].Call("toString").String()
		}
		ch <- result{err: errors.New(msg)}
		return nil
	})
	defer onErr.Release()
	promise.Call("then", onOK, onErr)
	r := <-ch
	return r.v, r.err
}

// ctxErr prefers the context's error, so an aborted fetch reads as
// "context deadline exceeded" rather than as a browser AbortError.
func ctxErr(ctx context.Context, err error) error {
	if ctx.Err() != nil {
		return ctx.Err()
	}
	return err
}

func headerValue(headers js.Value, name string) string {
	v := headers.Call("get", name)
	if v.Type() != js.TypeString {
		return ""
	}
	return v.String()
}
