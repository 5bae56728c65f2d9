package portal

import (
	"errors"
	"fmt"
	"testing"
)

func TestErrorCodeAndMessage(t *testing.T) {
	wrapped := fmt.Errorf("find order: %w", Errorf(ENOTFOUND, "Order %s not found.", "SO-1"))
	if got := ErrorCode(wrapped); got != ENOTFOUND {
		t.Errorf("ErrorCode = %q, want %q", got, ENOTFOUND)
	}
	if got := ErrorMessage(wrapped); got != "Order SO-1 not found." {
		t.Errorf("ErrorMessage = %q", got)
	}
	secret := errors.New("dial tcp 10.0.0.5:5432: password authentication failed")
	if got := ErrorCode(secret); got != EINTERNAL {
		t.Errorf("ErrorCode(other) = %q, want %q", got, EINTERNAL)
	}
	if got := ErrorMessage(secret); got != "Internal error." {
		t.Errorf("ErrorMessage leaks internal text: %q", got)
	}
	if ErrorCode(nil) != "" || ErrorMessage(nil) != "" {
		t.Error("nil error has a code or message")
	}
}
