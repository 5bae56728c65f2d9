package minio

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/url"
	"strings"
	"time"

	miniogo "github.com/minio/minio-go/v7"
	"github.com/minio/minio-go/v7/pkg/encrypt"

	"example.com/portal/backend/internal/portal"
)

// The store's errors, key scheme and object description are the domain's
// (portal.ObjectStore, which Store implements).
const MaxPresignExpiry = portal.MaxPresignExpiry

var (
	// ErrNotFound is returned by Get when the object does not exist.
	ErrNotFound = portal.ErrObjectNotFound
	// ErrUnavailable wraps every failure to reach the store.
	ErrUnavailable = portal.ErrObjectStoreUnavailable
)

// ObjectKey is portal.ObjectKey.
func ObjectKey(tenantID, documentID string) string { return portal.ObjectKey(tenantID, documentID) }

// ObjectInfo describes a stored object.
type ObjectInfo = portal.ObjectInfo

var _ portal.ObjectStore = (*Store)(nil)

// sse is the server-side encryption of every Put: SSE-S3 (server-managed
// keys) when Config.ServerSideEncryption is set. MinIO only accepts SSE-S3
// when it has a KMS configured (MINIO_KMS_SECRET_KEY or KES); services.sh
// gives the local server a static key, and production needs S3 or a MinIO
// with a KMS.
func (s *Store) sse() encrypt.ServerSide {
	if s.encrypt {
		return encrypt.NewSSE()
	}
	return nil
}

// Put stores body (size bytes, or -1 when unknown) under key, streaming it:
// the body is never held in memory whole.
func (s *Store) Put(ctx context.Context, key string, body io.Reader, size int64, contentType string) error {
	if key == "" || strings.HasPrefix(key, "/") || strings.Contains(key, "..") {
		return fmt.Errorf("minio: bad object key %q", key)
	}
	_, err := s.client.PutObject(ctx, s.bucket, key, body, size, miniogo.PutObjectOptions{
		ContentType:          contentType,
		ServerSideEncryption: s.sse(),
	})
	if err != nil {
		return s.wrap("put "+key, err)
	}
	return nil
}

// Get opens the object for streaming; the caller closes it. A missing object
// is ErrNotFound (checked before the first byte is returned).
func (s *Store) Get(ctx context.Context, key string) (io.ReadCloser, ObjectInfo, error) {
	obj, err := s.client.GetObject(ctx, s.bucket, key, miniogo.GetObjectOptions{})
	if err != nil {
		return nil, ObjectInfo{}, s.wrap("get "+key, err)
	}
	st, err := obj.Stat()
	if err != nil {
		obj.Close()
		return nil, ObjectInfo{}, s.wrap("get "+key, err)
	}
	return obj, ObjectInfo{Key: st.Key, Size: st.Size, ContentType: st.ContentType, LastModified: st.LastModified}, nil
}

// PresignedGet returns a URL that downloads the object without credentials
// until expiry (at most MaxPresignExpiry). fileName, when set, becomes the
// Content-Disposition of the download (attachment when attachment is true).
func (s *Store) PresignedGet(ctx context.Context, key string, expiry time.Duration, fileName string, attachment bool) (*url.URL, error) {
	if expiry <= 0 || expiry > MaxPresignExpiry {
		return nil, fmt.Errorf("minio: presign expiry %s outside (0, %s]", expiry, MaxPresignExpiry)
	}
	params := url.Values{}
	if fileName != "" {
		disp := "inline"
		if attachment {
			disp = "attachment"
		}
		params.Set("response-content-disposition", disp+`; filename="`+strings.ReplaceAll(fileName, `"`, "")+`"`)
	}
	u, err := s.client.PresignedGetObject(ctx, s.bucket, key, expiry, params)
	if err != nil {
		return nil, s.wrap("presign "+key, err)
	}
	return u, nil
}

// Remove deletes the object. Removing a missing object is not an error.
func (s *Store) Remove(ctx context.Context, key string) error {
	if err := s.client.RemoveObject(ctx, s.bucket, key, miniogo.RemoveObjectOptions{}); err != nil {
		return s.wrap("remove "+key, err)
	}
	return nil
}

// List calls fn for every object under prefix (recursively), stopping at
// fn's first error.
func (s *Store) List(ctx context.Context, prefix string, fn func(ObjectInfo) error) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	for o := range s.client.ListObjects(ctx, s.bucket, miniogo.ListObjectsOptions{Prefix: prefix, Recursive: true}) {
		if o.Err != nil {
			return s.wrap("list "+prefix, o.Err)
		}
		if err := fn(ObjectInfo{Key: o.Key, Size: o.Size, ContentType: o.ContentType, LastModified: o.LastModified}); err != nil {
			return err
		}
	}
	return nil
}

// wrap classifies err: a missing object is ErrNotFound, an answer of the
// store is returned as is, anything else (no answer) is ErrUnavailable.
func (s *Store) wrap(op string, err error) error {
	resp := miniogo.ToErrorResponse(err)
	switch {
	case resp.Code == "NoSuchKey":
		return fmt.Errorf("minio: %s: %w", op, ErrNotFound)
	case resp.StatusCode != 0:
		return fmt.Errorf("minio: %s: %s: %w", op, resp.Code, err)
	case errors.Is(err, context.Canceled):
		return fmt.Errorf("minio: %s: %w", op, err)
	default:
		return fmt.Errorf("minio: %s: %w: %w", op, ErrUnavailable, err)
	}
}
