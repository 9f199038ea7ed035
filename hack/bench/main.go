// Command bench measures kargo on a platform-scale workload (make bench): every module
// of this build enabled against the fixture upstream, plus the real large CRDs of
// ../shared/upstream and a chart of small objects, all from loopback and a warm cache.
// It reports medians (min–max) of wall time, user+sys CPU and peak memory of kargo and
// its node child together, bytes and objects written, and the same for a Go-only
// reference that parses and writes the same objects with sigs.k8s.io/yaml.
//
//	bench [-runs 5] [-count 1000] [-upstream ../shared/upstream]
//
// The same binary is also kargo with the bench module (bench kargo ARGS...) and the
// reference (bench reference IN OUT), so that each measured run is a whole process.
package main

import (
	"os"

	"github.com/kargo-platform/kargo/constructs/catalog"
	"github.com/kargo-platform/kargo/constructs/platform"
	"github.com/kargo-platform/kargo/internal/cli"
)

// registry is kargo's catalog plus the bench workload module.
func registry() *platform.Registry {
	return catalog.Registry(workload)
}

func main() {
	if len(os.Args) > 1 {
		switch os.Args[1] {
		case "kargo":
			cli.Init()
			cli.Exit(cli.RunWith(registry(), os.Args[2:], os.Stdout, os.Stderr))
		case "reference":
			os.Exit(reference(os.Args[2:]))
		}
	}
	os.Exit(harness(os.Args[1:]))
}
