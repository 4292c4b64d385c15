// Package process prepares the provider's OS process before it serves
// Terraform. main.go calls it first thing; so does the benchmark's provider
// binary (internal/bench/cmd/bench-provider), which must run the provider as
// main.go runs it for its measurements to hold. It changes the process
// (its environment and garbage collector), which is why it lives with the
// commands and not in the provider package.
package process

import (
	"os"
	"runtime/debug"
)

// Prepare sets up the provider process before it serves: the plugin
// SDK's own logs off when Terraform would throw them away, and a
// garbage collector paced for a short-lived process that holds little.
func Prepare() error {
	// The collector: the provider's live heap stays small (a location's
	// numbers, the request in flight) while every request allocates a lot
	// in the framework, so at Go's default pace it collects many times a
	// second: a sixth of the CPU of a plan. Collecting at 5x the live heap
	// instead of 2x costs tens of MB. A GOGC the user set wins.
	if os.Getenv("GOGC") == "" {
		debug.SetGCPercent(400)
	}
	return quietSDKLogsUnlessAsked()
}

// quietSDKLogsUnlessAsked turns off the plugin SDK's own logs when
// Terraform would throw them away.
//
// terraform-plugin-go and the framework format a JSON line at TRACE for
// every step of every request whatever the settings, and Terraform parses
// each line only to drop it unless TF_LOG or TF_LOG_PROVIDER asks for
// provider logs: about a quarter of the provider's CPU in a plan, and
// Terraform's parsing on top. Terraform
// passes its environment to the provider, so the provider can see that
// nobody asked. TF_LOG_SDK is the SDK's own setting; one already set wins.
// The provider's own log lines (one per API request) stay.
func quietSDKLogsUnlessAsked() error {
	for _, name := range []string{"TF_LOG", "TF_LOG_PROVIDER", "TF_LOG_SDK"} {
		if os.Getenv(name) != "" {
			return nil
		}
	}
	return os.Setenv("TF_LOG_SDK", "OFF")
}
