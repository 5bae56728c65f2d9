// Package miniotest gives tests the MinIO that the services script starts
// (PORTAL_S3_*), each test with a bucket of its own.
package miniotest

import (
	"context"
	"net"
	"os"
	"strconv"
	"testing"
	"time"

	"example.com/portal/backend/internal/minio"
	"example.com/portal/backend/internal/pgtest"
)

// Config is the services' MinIO with a new bucket name. A MinIO that does
// not answer skips the test, or fails it when services are required (CI).
func Config(tb testing.TB) minio.Config {
	tb.Helper()
	cfg := minio.Config{
		Endpoint:  os.Getenv("PORTAL_S3_ENDPOINT"),
		AccessKey: os.Getenv("PORTAL_S3_ACCESS_KEY"),
		SecretKey: os.Getenv("PORTAL_S3_SECRET_KEY"),
		Region:    "us-east-1",
		Bucket:    "test-" + strconv.FormatInt(time.Now().UnixNano(), 36),
	}
	if cfg.Endpoint == "" {
		pgtest.Unavailable(tb, "MinIO: PORTAL_S3_ENDPOINT is not set (make test starts MinIO)")
	}
	if c, err := net.DialTimeout("tcp", cfg.Endpoint, 2*time.Second); err != nil {
		pgtest.Unavailable(tb, "MinIO at %s: %v", cfg.Endpoint, err)
	} else {
		c.Close()
	}
	return cfg
}

// Store is a store over Config's bucket, created.
func Store(tb testing.TB) *minio.Store {
	tb.Helper()
	s, err := minio.New(Config(tb))
	if err != nil {
		tb.Fatal(err)
	}
	if err := s.EnsureBucket(context.Background()); err != nil {
		tb.Fatal(err)
	}
	return s
}
