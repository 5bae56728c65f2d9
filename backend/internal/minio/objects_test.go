package minio_test

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"example.com/portal/backend/internal/minio"
	"example.com/portal/backend/internal/minio/miniotest"
)

func TestPutGetRemove(t *testing.T) {
	ctx := context.Background()
	s := miniotest.Store(t)
	key := minio.ObjectKey("tenant-a", "doc-1")
	body := []byte("%PDF-1.7 test body")
	if err := s.Put(ctx, key, bytes.NewReader(body), int64(len(body)), "application/pdf"); err != nil {
		t.Fatal(err)
	}
	rc, info, err := s.Get(ctx, key)
	if err != nil {
		t.Fatal(err)
	}
	got, _ := io.ReadAll(rc)
	rc.Close()
	if !bytes.Equal(got, body) || info.Size != int64(len(body)) || info.ContentType != "application/pdf" {
		t.Fatalf("Get = %q %+v", got, info)
	}
	var keys []string
	if err := s.List(ctx, "tenant-a/", func(o minio.ObjectInfo) error { keys = append(keys, o.Key); return nil }); err != nil {
		t.Fatal(err)
	}
	if len(keys) != 1 || keys[0] != key {
		t.Fatalf("List = %v", keys)
	}
	if err := s.Remove(ctx, key); err != nil {
		t.Fatal(err)
	}
	if _, _, err := s.Get(ctx, key); !errors.Is(err, minio.ErrNotFound) {
		t.Fatalf("Get after Remove: %v, want ErrNotFound", err)
	}
	if err := s.Remove(ctx, key); err != nil {
		t.Fatalf("second Remove: %v", err)
	}
	if err := s.Put(ctx, "../x", bytes.NewReader(nil), 0, "application/pdf"); err == nil {
		t.Fatal("Put accepted a key with ..")
	}
}

func TestPresignedGetExpires(t *testing.T) {
	ctx := context.Background()
	s := miniotest.Store(t)
	key := minio.ObjectKey("tenant-a", "doc-presign")
	if err := s.Put(ctx, key, strings.NewReader("%PDF-1.4 x"), 10, "application/pdf"); err != nil {
		t.Fatal(err)
	}
	if _, err := s.PresignedGet(ctx, key, 6*time.Minute, "", false); err == nil {
		t.Fatal("presign over 5 minutes accepted")
	}
	// Five seconds: a signature's time is whole seconds, and under a loaded
	// test run the first fetch must still land inside the window.
	const expiry = 5 * time.Second
	signed := time.Now()
	u, err := s.PresignedGet(ctx, key, expiry, "MTR-H1.pdf", true)
	if err != nil {
		t.Fatal(err)
	}
	resp, err := http.Get(u.String())
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || string(b) != "%PDF-1.4 x" {
		t.Fatalf("fresh URL: %d %q", resp.StatusCode, b)
	}
	if cd := resp.Header.Get("Content-Disposition"); cd != `attachment; filename="MTR-H1.pdf"` {
		t.Fatalf("Content-Disposition = %q", cd)
	}
	time.Sleep(time.Until(signed.Add(expiry + 1500*time.Millisecond)))
	resp, err = http.Get(u.String())
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusForbidden {
		t.Fatalf("expired URL answered %d, want 403", resp.StatusCode)
	}
}

func TestObjectsUnreachable(t *testing.T) {
	s, err := minio.New(minio.Config{Endpoint: "127.0.0.1:1", Bucket: "x", AccessKey: "a", SecretKey: "b"})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	err = s.Put(ctx, "t/d", strings.NewReader("x"), 1, "application/pdf")
	if !errors.Is(err, minio.ErrUnavailable) {
		t.Fatalf("Put to a closed port: %v, want ErrUnavailable", err)
	}
}

// TestServerSideEncryption stores an object with SSE-S3 and reads it back.
// services.sh gives the local MinIO a static KMS key, as production's store
// has a KMS; a server that refuses SSE-S3 fails the test.
func TestServerSideEncryption(t *testing.T) {
	cfg := miniotest.Config(t)
	cfg.ServerSideEncryption = true
	s, err := minio.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	if err := s.EnsureBucket(ctx); err != nil {
		t.Fatal(err)
	}
	if err := s.Put(ctx, "t/sse", strings.NewReader("encrypted"), 9, "application/pdf"); err != nil {
		t.Fatalf("Put with SSE-S3: %v (does the MinIO have a KMS key? services.sh sets MINIO_KMS_SECRET_KEY)", err)
	}
	rc, _, err := s.Get(ctx, "t/sse")
	if err != nil {
		t.Fatal(err)
	}
	defer rc.Close()
	if b, _ := io.ReadAll(rc); string(b) != "encrypted" {
		t.Fatalf("read back %q", b)
	}
}
