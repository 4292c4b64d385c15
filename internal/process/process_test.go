package process

import (
	"os"
	"runtime/debug"
	"testing"
)

func TestQuietSDKLogsUnlessAsked(t *testing.T) {
	for _, tc := range []struct {
		name string
		env  map[string]string
		want string
	}{
		{"nobody asked", nil, "OFF"},
		{"TF_LOG", map[string]string{"TF_LOG": "TRACE"}, ""},
		{"TF_LOG_PROVIDER", map[string]string{"TF_LOG_PROVIDER": "DEBUG"}, ""},
		{"TF_LOG_SDK set by the user", map[string]string{"TF_LOG_SDK": "TRACE"}, "TRACE"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			for _, name := range []string{"TF_LOG", "TF_LOG_PROVIDER", "TF_LOG_SDK"} {
				t.Setenv(name, tc.env[name])
			}
			if err := quietSDKLogsUnlessAsked(); err != nil {
				t.Fatal(err)
			}
			if got := os.Getenv("TF_LOG_SDK"); got != tc.want {
				t.Fatalf("TF_LOG_SDK = %q, want %q", got, tc.want)
			}
		})
	}
}

func TestPrepare_gcPace(t *testing.T) {
	for _, tc := range []struct {
		gogc string
		want int
	}{{"", 400}, {"150", 100}} {
		t.Run("GOGC="+tc.gogc, func(t *testing.T) {
			t.Setenv("GOGC", tc.gogc)
			t.Setenv("TF_LOG_SDK", "") // Prepare may set it
			prev := debug.SetGCPercent(100)
			defer debug.SetGCPercent(prev)
			if err := Prepare(); err != nil {
				t.Fatal(err)
			}
			// With GOGC set, the runtime took it at start: the pace is left alone.
			if got := debug.SetGCPercent(100); got != tc.want {
				t.Fatalf("GC percent %d after Prepare, want %d", got, tc.want)
			}
		})
	}
}
