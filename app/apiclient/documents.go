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
