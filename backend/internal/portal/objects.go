package portal

import (
	"context"
	"errors"
	"io"
	"net/url"
	"time"
)

// ObjectStore keeps the bytes of documents (MinIO, or any S3-compatible
// store; backend/internal/minio implements it). Keys are chosen by the
// server (ObjectKey), never from a client's file name.
type ObjectStore interface {
	// Put stores body (size bytes) under key.
	Put(ctx context.Context, key string, body io.Reader, size int64, contentType string) error
	// Get opens the object; ErrObjectNotFound when there is none.
	Get(ctx context.Context, key string) (io.ReadCloser, ObjectInfo, error)
	// PresignedGet is a download URL valid for expiry (at most
	// MaxPresignExpiry), naming fileName, as an attachment or inline.
	PresignedGet(ctx context.Context, key string, expiry time.Duration, fileName string, attachment bool) (*url.URL, error)
	// Remove deletes the object; a missing one is not an error.
	Remove(ctx context.Context, key string) error
	// List calls fn for every object whose key begins with prefix.
	List(ctx context.Context, prefix string, fn func(ObjectInfo) error) error
}

// ObjectInfo describes a stored object.
type ObjectInfo struct {
	Key          string
	Size         int64
	ContentType  string
	LastModified time.Time
}

// MaxPresignExpiry is the longest a presigned download URL lives (issue 5:
// "a presigned URL that expires within 5 minutes").
const MaxPresignExpiry = 5 * time.Minute

// ErrObjectNotFound: the object store has no such object.
var ErrObjectNotFound = errors.New("object not found")

// ErrObjectStoreUnavailable wraps every failure to reach the object store,
// so callers answer 503 rather than 500.
var ErrObjectStoreUnavailable = errors.New("object store unavailable")

// ObjectKey is the key of a document's object: <tenant_id>/<document_id>.
// Both parts are server-chosen ids; a client's file name never reaches a key.
func ObjectKey(tenantID, documentID string) string {
	return tenantID + "/" + documentID
}
