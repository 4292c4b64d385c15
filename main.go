// Command terraform-provider-sipstation serves the SIPStation provider to
// Terraform and OpenTofu over the plugin protocol.
package main

import (
	"flag"
	"log"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6/tf6server"

	"github.com/sipstation-community/terraform-provider-sipstation/internal/process"
	"github.com/sipstation-community/terraform-provider-sipstation/internal/provider"
)

// version is set at release time by goreleaser (-X main.version=...).
var version string = "dev"

const address = "registry.terraform.io/sipstation-community/sipstation"

func main() {
	var debug bool

	flag.BoolVar(&debug, "debug", false, "set to true to run the provider with support for debuggers like delve")
	flag.Parse()

	if err := process.Prepare(); err != nil {
		log.Fatal(err.Error())
	}
	server, err := provider.ProtocolServer(version)()
	if err != nil {
		log.Fatal(err.Error())
	}
	var opts []tf6server.ServeOpt
	if debug {
		opts = append(opts, tf6server.WithManagedDebug())
	}
	if err := tf6server.Serve(address, func() tfprotov6.ProviderServer { return server }, opts...); err != nil {
		log.Fatal(err.Error())
	}
}
