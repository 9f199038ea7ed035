// Command kargo synthesizes the Kargo KubeVirt platform into plain Kubernetes YAML in
// dist/. See README.md.
package main

import (
	"os"

	"github.com/kargo-platform/kargo/internal/cli"
)

func main() {
	cli.Init()
	cli.Exit(cli.Run(os.Args[1:], os.Stdout, os.Stderr))
}
