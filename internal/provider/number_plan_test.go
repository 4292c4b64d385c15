package provider

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestReplacedObjectMarker checks the private-state marker of a replace
// against markers as earlier versions wrote them (the replaced resource's
// id as a JSON string), so that a saved plan made by one of them applies.
func TestReplacedObjectMarker(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		marker string
		want   replacedObject
	}{
		{name: "number", marker: `"+14155550123"`, want: replacedObject{kind: replacedNumber, value: "+14155550123"}},
		{
			name:   "pending order",
			marker: `"pending-order:0b9f6a52-8f3e-4c1d-9a57-2f1e6c3d4b10"`,
			want:   replacedObject{kind: replacedPendingOrder, value: "0b9f6a52-8f3e-4c1d-9a57-2f1e6c3d4b10"},
		},
		{name: "empty id", marker: `""`, want: replacedObject{}},
		{name: "unreadable", marker: `{"id":"+14155550123"}`, want: replacedObject{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got := unmarshalReplaced(t.Context(), []byte(tt.marker))
			if diff := cmp.Diff(tt.want, got, cmp.AllowUnexported(replacedObject{})); diff != "" {
				t.Fatalf("unmarshalReplaced(%s) (-want +got):\n%s", tt.marker, diff)
			}
			if got.kind == replacedNothing {
				return
			}
			again, err := got.marshal()
			if err != nil {
				t.Fatal(err)
			}
			if string(again) != tt.marker {
				t.Errorf("marshal = %s, want %s", again, tt.marker)
			}
		})
	}
}
