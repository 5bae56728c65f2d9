// Command wasm is the portal's UI, built to web/app.wasm:
//
//	GOOS=js GOARCH=wasm go build -trimpath -ldflags='-s -w' -o web/app.wasm ./app/cmd/wasm
//
// The server (backend/internal/pwa) serves it with one go-app Handler per
// tenant and pre-renders the same pages, registered by the same function.
package main

import (
	"example.com/portal/app/pages"
	"github.com/maxence-charriere/go-app/v10/pkg/app"
)

func main() {
	pages.Register()
	app.RunWhenOnBrowser()
}
