package minio_test

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

// testConfig returns the MinIO the services script started (PORTAL_S3_*),
// with a bucket of the test's own.
func testConfig(tb testing.TB) minio.Config {
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

func TestEnsureBucketAndPing(t *testing.T) {
	ctx := context.Background()
	s, err := minio.New(testConfig(t))
	if err != nil {
		t.Fatal(err)
	}
	// A store that was down at start-up has no bucket: Ping creates it.
	if err := s.Ping(ctx); err != nil {
		t.Fatalf("Ping without the bucket: %v", err)
	}
	if err := s.EnsureBucket(ctx); err != nil {
		t.Fatal(err)
	}
	if err := s.EnsureBucket(ctx); err != nil {
		t.Fatalf("second EnsureBucket: %v", err)
	}
	if err := s.Ping(ctx); err != nil {
		t.Fatalf("Ping after EnsureBucket: %v", err)
	}
}

func TestPingUnreachable(t *testing.T) {
	s, err := minio.New(minio.Config{Endpoint: "127.0.0.1:1", Bucket: "x", AccessKey: "a", SecretKey: "b"})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Second)
	defer cancel()
	if err := s.Ping(ctx); err == nil {
		t.Fatal("Ping of an unreachable store succeeded")
	}
}
