//go:build generate

// Package tools pins the versions of the Go programs `make generate` runs,
// in a module of its own so they never touch the provider's dependencies.
package tools

import (
	_ "github.com/hashicorp/terraform-plugin-docs/cmd/tfplugindocs"
)
