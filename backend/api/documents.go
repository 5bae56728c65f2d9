package api

import "time"

// Paths of the customer's documents (spec 000 section 4). Every one
// answers only the signed-in user's own customer account: another
// account's or another tenant's document id is 404.
const (
	// PathDocuments: GET lists documents newest first (DocumentList).
	// Query: q (order number or document name, substring), type (document
	// type codes, comma separated or repeated; the spec's "bol" and
	// "quote" are accepted for bill_of_lading and quote_document), from
	// and to (YYYY-MM-DD, inclusive), order_id, page (from 1), page_size
	// (1 to 100, default 25).
	//
	// GET PathDocuments + "/{id}/content" streams the PDF (inline; with
	// download=true as an attachment). POST PathDocuments + "/{id}/link"
	// (DocumentLinkRequest) answers a presigned URL that expires within
	// five minutes (DocumentLink). POST PathDocuments + "/{id}/email"
	// (DocumentEmail) sends the document, attached, to 1 to 5 addresses
	// (replies go to the sender) and answers 202; a document over 10 MiB
	// is 413 (share the download instead). Each of these is recorded as a
	// download in the customer's activity.
	PathDocuments = "/api/v1/documents"
	// PathDocumentsZip: GET with ids (comma separated, 1 to 100) streams
	// the documents as one zip archive.
	PathDocumentsZip = PathDocuments + "/zip"
	// PathStatement: GET with from and to (YYYY-MM-DD, inclusive, at most
	// five years apart) answers the account statement as a PDF
	// attachment, rendered on demand: the balance before from, then every
	// invoice and received payment in the range, in the account's
	// currency.
	PathStatement = "/api/v1/statement"
	// PathBackOfficeDocuments: POST a multipart/form-data upload from the
	// ERP (back-office API key): fields type (mtr | coc | pod |
	// bill_of_lading), order_external_id (mtr, coc), shipment_external_id
	// (pod, bill_of_lading), heat_number (mtr), line_nos (mtr, comma
	// separated; default every line of the order carrying the heat),
	// number (bill_of_lading: the BOL number), and file (the PDF, at most
	// 25 MiB). Answers 201 with the Document. A file that is not a PDF
	// (by content, not name) is 415; a larger one 413; an unknown order,
	// shipment, line or heat 422 naming the field.
	PathBackOfficeDocuments = PathBackOffice + "/documents"
)

// Document is one document of the customer.
type Document struct {
	ID          string    `json:"id"`
	Type        string    `json:"type"` // a DocumentType code
	TypeLabel   string    `json:"type_label"`
	Name        string    `json:"name"` // file name, e.g. MTR-H12345.pdf
	OrderID     string    `json:"order_id,omitempty"`
	OrderNumber string    `json:"order_number,omitempty"`
	HeatNumber  string    `json:"heat_number,omitempty"`
	LineIDs     []string  `json:"line_ids,omitempty"` // the order lines a mill test report covers
	ContentType string    `json:"content_type"`
	SizeBytes   int64     `json:"size_bytes"`
	CreatedAt   time.Time `json:"created_at"`
}

// DocumentType is one of the ten document types, for the type filter.
type DocumentType struct {
	Code  string `json:"code"`
	Label string `json:"label"`
}

// DocumentList is a page of the customer's documents.
type DocumentList struct {
	Documents  []Document     `json:"documents"`
	Total      int            `json:"total"`
	Page       int            `json:"page"`
	PageSize   int            `json:"page_size"`
	TotalPages int            `json:"total_pages"`
	Types      []DocumentType `json:"types"`
}

// DocumentLinkRequest asks for a presigned download link.
type DocumentLinkRequest struct {
	Download bool `json:"download"` // attachment rather than inline
}

// DocumentLink is a presigned URL of a document's content.
type DocumentLink struct {
	URL       string    `json:"url"`
	ExpiresAt time.Time `json:"expires_at"`
}

// DocumentEmail sends a document by e-mail.
type DocumentEmail struct {
	To      []string `json:"to"`      // 1 to 5 addresses
	Message string   `json:"message"` // optional note, at most 1,000 characters
}
