package ppks

import (
	"errors"
	"testing"
)

// What a client is told to do with an item refused with each kind of error: a passing
// failure is retried unchanged, a refusal of what the item holds is for the user to fix,
// an item that can never succeed is dropped.
func TestSyncAction(t *testing.T) {
	for _, tc := range []struct {
		err  error
		want SyncAction
	}{
		{invalid("beneficiary.nik", "NIK_LENGTH", "", ""), SyncFix},
		{&Error{Kind: KindAlreadyExists, Reason: "NIK_EXISTS"}, SyncFix},
		{ErrNIKRegisteredElsewhere(), SyncFix},
		{FailedPrecondition("YEAR_LOCKED", "", ""), SyncFix},
		{FailedPrecondition("CASE_CLOSED", "", ""), SyncFix},
		{ErrRequestReused(), SyncDrop},
		{errMerged(), SyncDrop},
		{FailedPrecondition("VOIDED", "", ""), SyncDrop},
		{PermissionDenied(), SyncDrop},
		{NotFound("beneficiaries/x"), SyncDrop},
		{&Error{Kind: KindUnavailable, Reason: "DATABASE_MOVED"}, SyncRetry},
		{&Error{Kind: KindResourceExhausted, Reason: "STORAGE_FULL"}, SyncRetry},
		{&Error{Kind: KindAborted, Reason: "CONCURRENT_CHANGE"}, SyncRetry},
		{Internal("x", errors.New("disk")), SyncRetry},
		{errNotAttempted(), SyncRetry},
		{errors.New("not a domain error"), SyncRetry},
	} {
		if got := syncAction(tc.err); got != tc.want {
			t.Errorf("syncAction(%v) = %d, want %d", tc.err, got, tc.want)
		}
	}
}
