package http

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	netmail "net/mail"
	"sort"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/go-chi/chi/v5"

	"example.com/portal/backend/api"
	"example.com/portal/backend/internal/portal"
	"example.com/portal/policies"
	"example.com/portal/tenants"
)

// documentRoutes are the customer's documents and the ERP's uploads.
func (s *Server) documentRoutes(r chi.Router) {
	read := needs(policies.DocumentsRead)
	s.api(r, "GET", api.PathDocuments, read, s.handleDocumentList)
	s.api(r, "GET", api.PathDocumentsZip, read, s.handleDocumentZip)
	s.api(r, "GET", api.PathDocuments+"/{id}/content", read, s.handleDocumentContent)
	s.api(r, "POST", api.PathDocuments+"/{id}/link", read, s.handleDocumentLink)
	s.api(r, "POST", api.PathDocuments+"/{id}/email", read, s.handleDocumentEmail)
	s.api(r, "GET", api.PathStatement, read, s.handleStatement)
	s.api(r, "POST", api.PathBackOfficeDocuments, backOffice, s.handleDocumentUpload)
}

// documentTypeAliases are the spec's filter values (spec 000 section 2,
// documents screen) that differ from the type codes of section 4.
var documentTypeAliases = map[string]string{"bol": "bill_of_lading", "quote": "quote_document"}

func (s *Server) handleDocumentList(w http.ResponseWriter, r *http.Request) error {
	if s.Documents == nil {
		return errNotFound
	}
	q := queryParser{values: r.URL.Query()}
	f := portal.DocumentFilter{Q: strings.TrimSpace(q.values.Get("q")), OrderID: q.values.Get("order_id"),
		Page: q.int("page"), PageSize: q.int("page_size")}
	for _, t := range q.list("type") {
		if alias, ok := documentTypeAliases[t]; ok {
			t = alias
		}
		f.Types = append(f.Types, t)
	}
	if from := q.date("from"); from != nil {
		f.From = *from
	}
	if to := q.date("to"); to != nil {
		f.To = to.AddDate(0, 0, 1) // inclusive
	}
	if f.PageSize > 100 {
		q.fail("page_size", "At most 100.")
	}
	if err := q.err(func() error { return nil }); err != nil {
		return err
	}
	cur, _ := userFrom(r.Context())
	p, err := s.Documents.Documents(r.Context(), cur.user, f)
	if err != nil {
		return err
	}
	out := api.DocumentList{Documents: make([]api.Document, 0, len(p.Items)), Total: p.Total, Page: p.Page, PageSize: p.PageSize,
		TotalPages: pages(p.Total, p.PageSize), Types: documentTypeOptions}
	for _, d := range p.Items {
		out.Documents = append(out.Documents, toAPIDocument(d))
	}
	return writePrivateJSON(w, out)
}

// documentTypeOptions are the type filter's options, by label.
var documentTypeOptions = documentTypes()

func documentTypes() []api.DocumentType {
	out := make([]api.DocumentType, 0, len(portal.DocumentTypes))
	for _, t := range portal.DocumentTypes {
		out = append(out, api.DocumentType{Code: t.Code, Label: t.Label})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Label < out[j].Label })
	return out
}

func toAPIDocument(d portal.Document) api.Document {
	return api.Document{ID: d.ID, Type: d.Type, TypeLabel: portal.DocumentTypes[d.Type].Label, Name: d.Name, OrderID: d.OrderID,
		OrderNumber: d.OrderNumber, HeatNumber: d.HeatNumber, LineIDs: d.LineIDs, ContentType: d.ContentType,
		SizeBytes: d.SizeBytes, CreatedAt: d.CreatedAt}
}

// handleDocumentContent streams a document through the portal. It may be
// framed by the portal's own pages (the in-app viewer), by no one else.
func (s *Server) handleDocumentContent(w http.ResponseWriter, r *http.Request) error {
	if s.Documents == nil {
		return errNotFound
	}
	q := queryParser{values: r.URL.Query()}
	download := q.bool("download")
	if err := q.err(func() error { return nil }); err != nil {
		return err
	}
	cur, _ := userFrom(r.Context())
	d, rc, err := s.Documents.Open(r.Context(), cur.user, chi.URLParam(r, "id"), "stream")
	if err != nil {
		return err
	}
	defer rc.Close()
	disposition := "inline"
	if download {
		disposition = "attachment"
	}
	h := w.Header()
	h.Set("Content-Type", d.ContentType)
	h.Set("Content-Length", strconv.FormatInt(d.SizeBytes, 10))
	h.Set("Content-Disposition", mime.FormatMediaType(disposition, map[string]string{"filename": d.Name}))
	h.Set("Cache-Control", "private, no-store")
	h.Set("X-Frame-Options", "SAMEORIGIN")
	h.Set("Content-Security-Policy", "frame-ancestors 'self'")
	w.WriteHeader(http.StatusOK)
	if _, err := io.Copy(w, rc); err != nil {
		// The status is sent; the client sees a cut body (Content-Length).
		s.Logger.WarnContext(r.Context(), "document stream cut", "document_id", d.ID, "err", err)
	}
	return nil
}

func (s *Server) handleDocumentLink(w http.ResponseWriter, r *http.Request) error {
	if s.Documents == nil {
		return errNotFound
	}
	var in api.DocumentLinkRequest
	if r.ContentLength != 0 {
		if err := decodeJSON(w, r, &in); err != nil {
			return err
		}
	}
	cur, _ := userFrom(r.Context())
	u, exp, err := s.Documents.Link(r.Context(), cur.user, chi.URLParam(r, "id"), 0, in.Download)
	if err != nil {
		return err
	}
	return writePrivateJSON(w, api.DocumentLink{URL: u, ExpiresAt: exp})
}

// maxEmailRecipients bounds who one e-mail of a document goes to.
const maxEmailRecipients = 5

// handleDocumentEmail sends a document, attached, in the tenant's name,
// with the sender as Reply-To. It answers once the relay took the message
// (503 when it did not), so the user knows it went.
func (s *Server) handleDocumentEmail(w http.ResponseWriter, r *http.Request) error {
	if s.Documents == nil || s.DocumentMail == nil {
		return errNotFound
	}
	var in api.DocumentEmail
	if err := decodeJSON(w, r, &in); err != nil {
		return err
	}
	var fields []portal.FieldError
	switch {
	case len(in.To) == 0:
		fields = append(fields, portal.FieldError{Field: "to", Message: "at least one address"})
	case len(in.To) > maxEmailRecipients:
		fields = append(fields, portal.FieldError{Field: "to", Message: fmt.Sprintf("at most %d addresses", maxEmailRecipients)})
	}
	to := make([]string, 0, len(in.To))
	for _, a := range in.To {
		addr, err := netmail.ParseAddress(strings.TrimSpace(a))
		if err != nil {
			fields = append(fields, portal.FieldError{Field: "to", Message: fmt.Sprintf("%q is not an e-mail address", a)})
			continue
		}
		to = append(to, addr.Address)
	}
	if utf8.RuneCountInString(in.Message) > 1000 {
		fields = append(fields, portal.FieldError{Field: "message", Message: "at most 1,000 characters"})
	}
	if len(fields) > 0 {
		return &portal.Error{Code: portal.EINVALID, Message: "Check the e-mail.", Fields: fields}
	}
	cur, _ := userFrom(r.Context())
	d, rc, err := s.Documents.Open(r.Context(), cur.user, chi.URLParam(r, "id"), "email")
	if err != nil {
		return err
	}
	defer rc.Close()
	if d.SizeBytes > portal.MaxEmailedDocumentBytes {
		return &portal.Error{Code: portal.ETOOLARGE, Message: "This document is too large to e-mail; share a download instead.",
			Fields: []portal.FieldError{{Field: "id", Message: fmt.Sprintf("larger than %d MiB", portal.MaxEmailedDocumentBytes>>20)}}}
	}
	content, err := io.ReadAll(io.LimitReader(rc, portal.MaxEmailedDocumentBytes+1))
	if err != nil {
		return portal.Errorf(portal.EUNAVAILABLE, "The document store is unavailable; try again later.")
	}
	t, _ := tenants.FromContext(r.Context())
	if err := s.DocumentMail.SendDocument(r.Context(), t, originOf(r), *cur.user, cur.user.CustomerName, to, *d, content,
		strings.TrimSpace(in.Message)); err != nil {
		s.Logger.ErrorContext(r.Context(), "send document", "request_id", RequestIDFrom(r.Context()), "document_id", d.ID, "error", err.Error())
		return portal.Errorf(portal.EUNAVAILABLE, "The e-mail could not be sent; try again later.")
	}
	return writeJSON(w, http.StatusAccepted, api.Accepted{Detail: "Sent " + d.Name + " to " + strings.Join(to, ", ") + "."})
}

func (s *Server) handleStatement(w http.ResponseWriter, r *http.Request) error {
	if s.Documents == nil {
		return errNotFound
	}
	q := queryParser{values: r.URL.Query()}
	var from, to time.Time
	if d := q.date("from"); d != nil {
		from = *d
	}
	if d := q.date("to"); d != nil {
		to = *d
	}
	if err := q.err(func() error { return nil }); err != nil {
		return err
	}
	cur, _ := userFrom(r.Context())
	name, pdf, err := s.Documents.Statement(r.Context(), cur.user, from, to)
	if err != nil {
		return err
	}
	h := w.Header()
	h.Set("Content-Type", "application/pdf")
	h.Set("Content-Disposition", mime.FormatMediaType("attachment", map[string]string{"filename": name}))
	h.Set("Cache-Control", "private, no-store")
	h.Set("Content-Length", strconv.Itoa(len(pdf)))
	if _, err := w.Write(pdf); err != nil {
		s.Logger.WarnContext(r.Context(), "statement write cut", "err", err)
	}
	return nil
}

// handleDocumentZip streams the chosen documents as one zip. Every id is
// checked before the first byte, so a bad one is a clean 404 or 400; a
// failure after that cuts the archive, which the client sees as corrupt.
func (s *Server) handleDocumentZip(w http.ResponseWriter, r *http.Request) error {
	if s.Documents == nil {
		return errNotFound
	}
	q := queryParser{values: r.URL.Query()}
	cur, _ := userFrom(r.Context())
	docs, err := s.Documents.CheckZip(r.Context(), cur.user, q.list("ids"))
	if err != nil {
		return err
	}
	h := w.Header()
	h.Set("Content-Type", "application/zip")
	h.Set("Content-Disposition", mime.FormatMediaType("attachment",
		map[string]string{"filename": "documents-" + time.Now().UTC().Format(time.DateOnly) + ".zip"}))
	h.Set("Cache-Control", "private, no-store")
	var size int64
	for _, d := range docs {
		size += d.SizeBytes
	}
	extendWriteDeadline(w, size)
	w.WriteHeader(http.StatusOK)
	if err := s.Documents.WriteZip(r.Context(), cur.user, docs, w); err != nil {
		s.Logger.WarnContext(r.Context(), "document zip cut", "documents", len(docs), "err", err)
	}
	return nil
}

// maxUploadBody bounds an upload's request: the largest document plus its
// form fields.
const maxUploadBody = portal.MaxDocumentBytes + 64<<10

// pdfMagic starts every PDF file (ISO 32000: "%PDF-" within the first
// 1,024 bytes; writers put it first, and so must the ERP).
var pdfMagic = []byte("%PDF-")

// handleDocumentUpload stores a document the ERP uploads. The form is
// parsed with at most 8 MiB in memory (the rest of a file goes to a
// temporary file, removed after), so the size of the object is known
// before it is stored.
func (s *Server) handleDocumentUpload(w http.ResponseWriter, r *http.Request) error {
	if s.Documents == nil {
		return errNotFound
	}
	if mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type")); mt != "multipart/form-data" {
		return portal.Errorf(portal.EUNSUPPORTED, "Send multipart/form-data with the PDF in the field file.")
	}
	r.Body = http.MaxBytesReader(w, r.Body, maxUploadBody)
	if err := r.ParseMultipartForm(8 << 20); err != nil {
		if errors.As(err, new(*http.MaxBytesError)) {
			return tooLargeDocument()
		}
		return &portal.Error{Code: portal.EINVALID, Message: "The form could not be read.", Fields: []portal.FieldError{{Field: "file", Message: err.Error()}}}
	}
	defer r.MultipartForm.RemoveAll()
	file, hdr, err := r.FormFile("file")
	if err != nil {
		return &portal.Error{Code: portal.EINVALID, Message: "The PDF is missing.", Fields: []portal.FieldError{{Field: "file", Message: "required"}}}
	}
	defer file.Close()
	if hdr.Size > portal.MaxDocumentBytes {
		return tooLargeDocument()
	}
	head := make([]byte, len(pdfMagic))
	if _, err := io.ReadFull(file, head); err != nil || !bytes.Equal(head, pdfMagic) {
		return &portal.Error{Code: portal.EUNSUPPORTED, Message: "Only PDF documents are accepted.",
			Fields: []portal.FieldError{{Field: "file", Message: "not a PDF"}}}
	}
	if _, err := file.Seek(0, io.SeekStart); err != nil {
		return err
	}
	in := portal.DocumentUpload{Type: r.FormValue("type"), OrderExternalID: r.FormValue("order_external_id"),
		ShipmentExternalID: r.FormValue("shipment_external_id"), HeatNumber: r.FormValue("heat_number"), Number: r.FormValue("number")}
	for _, v := range strings.Split(r.FormValue("line_nos"), ",") {
		if v = strings.TrimSpace(v); v == "" {
			continue
		}
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 {
			return &portal.Error{Code: portal.EINVALID, Message: "Bad line numbers.", Fields: []portal.FieldError{{Field: "line_nos", Message: fmt.Sprintf("%q is not a line number", v)}}}
		}
		in.LineNos = append(in.LineNos, n)
	}
	d, err := s.Documents.Upload(r.Context(), in, file, hdr.Size)
	if err != nil {
		return err
	}
	w.Header().Set("Cache-Control", "no-store")
	return writeJSON(w, http.StatusCreated, toAPIDocument(*d))
}

func tooLargeDocument() error {
	return &portal.Error{Code: portal.ETOOLARGE, Message: fmt.Sprintf("A document is at most %d MiB.", portal.MaxDocumentBytes>>20),
		Fields: []portal.FieldError{{Field: "file", Message: "too large"}}}
}

// minDownloadRate is the slowest client a long download is given time for.
const minDownloadRate = 256 << 10 // bytes per second

// extendWriteDeadline gives a response of size bytes the time a client at
// minDownloadRate needs, beyond the server's write timeout (120 s, which a
// zip of 100 documents of 25 MiB would outlast); a writer without
// deadlines (tests) keeps none.
func extendWriteDeadline(w http.ResponseWriter, size int64) {
	d := max(2*time.Minute, time.Minute+time.Duration(size/minDownloadRate)*time.Second)
	_ = http.NewResponseController(w).SetWriteDeadline(time.Now().Add(d))
}
