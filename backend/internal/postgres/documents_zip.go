package postgres

import (
	"archive/zip"
	"context"
	"fmt"
	"io"
	"strings"

	"example.com/portal/backend/internal/portal"
)

// MaxZipDocuments is how many documents one zip may hold.
const MaxZipDocuments = 100

// CheckZip resolves ids to the actor's customer's documents before any byte
// is written: an unknown, another customer's or another tenant's id is
// ENOTFOUND, more than MaxZipDocuments EINVALID naming ids.
func (s *DocumentStore) CheckZip(ctx context.Context, actor *portal.User, ids []string) ([]*portal.Document, error) {
	if len(ids) == 0 || len(ids) > MaxZipDocuments {
		return nil, &portal.Error{Code: portal.EINVALID, Message: fmt.Sprintf("A zip holds 1 to %d documents.", MaxZipDocuments),
			Fields: []portal.FieldError{{Field: "ids", Message: fmt.Sprintf("1 to %d ids", MaxZipDocuments)}}}
	}
	return s.documents(ctx, actor, ids)
}

// WriteZip streams docs (from CheckZip) to w as one zip archive, reading
// each object in turn: memory does not grow with the number or size of the
// documents. Each is recorded as a download (via zip). Names repeated in
// the archive get a " (n)" suffix. The downloads are recorded in one
// statement once the archive is whole.
func (s *DocumentStore) WriteZip(ctx context.Context, actor *portal.User, docs []*portal.Document, w io.Writer) error {
	zw := zip.NewWriter(w)
	seen := map[string]int{}
	buf := make([]byte, 32<<10) // one copy buffer for the whole archive
	for _, d := range docs {
		name := d.Name
		if n := seen[d.Name]; n > 0 {
			ext := ""
			if i := strings.LastIndexByte(name, '.'); i > 0 {
				name, ext = name[:i], name[i:]
			}
			name = fmt.Sprintf("%s (%d)%s", name, n+1, ext)
		}
		seen[d.Name]++
		rc, _, err := s.objects.Get(ctx, d.ObjectKey)
		if err != nil {
			return err
		}
		// PDFs are compressed already: store them.
		fw, err := zw.CreateHeader(&zip.FileHeader{Name: name, Method: zip.Store, Modified: d.CreatedAt})
		if err == nil {
			_, err = io.CopyBuffer(fw, rc, buf)
		}
		rc.Close()
		if err != nil {
			return err
		}
	}
	if err := zw.Close(); err != nil {
		return err
	}
	return s.RecordDownload(ctx, actor, "zip", docs...)
}
