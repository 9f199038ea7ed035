// Command kargo synthesizes the Kargo KubeVirt platform into plain Kubernetes YAML in
// dist/. See README.md.
package main

import (
	"os"

	"github.com/aws/jsii-runtime-go"

	"github.com/kargo-platform/kargo/internal/cli"
)

func main() {
	// jsii-runtime-go prints a node end-of-life banner on node 20 unless told not to;
	// the variable must be set before the jsii client starts, so restart it.
	if os.Getenv("JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION") == "" {
		os.Setenv("JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION", "20")
		jsii.Close()
	}
	code := cli.Run(os.Args[1:], os.Stdout, os.Stderr)
	jsii.Close()
	os.Exit(code)
}
