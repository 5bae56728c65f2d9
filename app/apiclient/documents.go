package apiclient

import (
	"context"
	"net/url"
	"strings"

	"example.com/portal/backend/api"
)

// Documents returns a page of the customer's documents (GET
// /api/v1/documents; query as api.PathDocuments documents).
func (c *Client) Documents(ctx context.Context, query url.Values) (api.DocumentList, error) {
	var l api.DocumentList
	err := c.getJSON(ctx, withQuery(api.PathDocuments, query), &l)
	return l, err
}

// DocumentContentURL is the same-origin address that streams a document:
// inline for the viewer, or as a download. The portal checks the session
// and the customer on every request.
func DocumentContentURL(id string, download bool) string {
	u := api.PathDocuments + "/" + url.PathEscape(id) + "/content"
	if download {
		u += "?download=true"
	}
	return u
}

// DocumentsZipURL is the address that streams the documents as one zip.
func DocumentsZipURL(ids []string) string {
	return withQuery(api.PathDocumentsZip, url.Values{"ids": {strings.Join(ids, ",")}})
}

// EmailDocument sends a document, attached, to the addresses (POST
// /api/v1/documents/{id}/email) and returns the server's confirmation.
func (c *Client) EmailDocument(ctx context.Context, id string, in api.DocumentEmail) (api.Accepted, error) {
	var a api.Accepted
	err := c.do(ctx, "POST", api.PathDocuments+"/"+url.PathEscape(id)+"/email", in, &a)
	return a, err
}

// StatementURL is the address of the account statement from from to to
// (YYYY-MM-DD), a PDF download.
func StatementURL(from, to string) string {
	return withQuery(api.PathStatement, url.Values{"from": {from}, "to": {to}})
}
