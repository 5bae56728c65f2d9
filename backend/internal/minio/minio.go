// Package minio is the document store adapter: an S3-compatible object store
// (MinIO in development and tests, any S3 service in production) reached
// through minio-go. Object keys are chosen by the server and always start
// with the tenant's id: <tenant_id>/<document_id> (see ObjectKey).
package minio

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"time"

	miniogo "github.com/minio/minio-go/v7"
	"github.com/minio/minio-go/v7/pkg/credentials"
)

// Config is where the object store is.
type Config struct {
	Endpoint  string // host:port
	AccessKey string
	SecretKey string
	Bucket    string
	UseTLS    bool
	Region    string
	// ServerSideEncryption stores every object with SSE-S3 (see sse).
	ServerSideEncryption bool
}

// Store is a bucket of the object store.
type Store struct {
	client  *miniogo.Client
	bucket  string
	region  string
	encrypt bool
}

// New returns a store for cfg. It does not contact the server.
func New(cfg Config) (*Store, error) {
	if cfg.Endpoint == "" || cfg.Bucket == "" {
		return nil, errors.New("minio: endpoint and bucket are required")
	}
	c, err := miniogo.New(cfg.Endpoint, &miniogo.Options{
		Creds:  credentials.NewStaticV4(cfg.AccessKey, cfg.SecretKey, ""),
		Secure: cfg.UseTLS,
		Region: cfg.Region,
		// Fail fast: readiness checks and requests have their own deadlines.
		MaxRetries: 1,
		Transport:  &http.Transport{ResponseHeaderTimeout: 10 * time.Second, MaxIdleConnsPerHost: 16},
	})
	if err != nil {
		return nil, fmt.Errorf("minio: client: %w", err)
	}
	return &Store{client: c, bucket: cfg.Bucket, region: cfg.Region, encrypt: cfg.ServerSideEncryption}, nil
}

// EnsureBucket creates the bucket when it does not exist yet.
func (s *Store) EnsureBucket(ctx context.Context) error {
	ok, err := s.client.BucketExists(ctx, s.bucket)
	if err != nil {
		return fmt.Errorf("minio: bucket %s: %w", s.bucket, err)
	}
	if ok {
		return nil
	}
	err = s.client.MakeBucket(ctx, s.bucket, miniogo.MakeBucketOptions{Region: s.region})
	if err != nil {
		// Another replica may have created it in between.
		if resp := miniogo.ToErrorResponse(err); resp.Code == "BucketAlreadyOwnedByYou" {
			return nil
		}
		return fmt.Errorf("minio: create bucket %s: %w", s.bucket, err)
	}
	return nil
}

// Ping checks that the store answers and the bucket exists, creating it if
// the store was down when the server started: readiness recovers by itself.
func (s *Store) Ping(ctx context.Context) error {
	return s.EnsureBucket(ctx)
}
