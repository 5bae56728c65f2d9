package minio_test

import (
	"context"
	"testing"
	"time"

	"example.com/portal/backend/internal/minio"
	"example.com/portal/backend/internal/minio/miniotest"
)

func TestEnsureBucketAndPing(t *testing.T) {
	ctx := context.Background()
	s, err := minio.New(miniotest.Config(t))
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
