// Command demo shows kargo's main job end to end on a machine with no internet: it
// serves the fixture upstream (stand-ins for the pinned charts and release manifests,
// with their real shape) on loopback, points sources.mirrors at it, and runs
// `kargo synth` on the default kargo.config.yaml into demo-dist/, then `kargo images`
// and `kargo diff`. The real `make synth` fetches the real artifacts instead.
//
// The demo keeps its own kargo.lock and cache in a temporary directory: fixture digests
// never reach the project's kargo.lock.
package main

import (
	"fmt"
	"os"
	"path/filepath"
	"sort"

	"sigs.k8s.io/yaml"

	"github.com/kargo-platform/kargo/internal/cli"
	"github.com/kargo-platform/kargo/internal/fixture"
)

func main() {
	cli.Init()
	cli.Exit(run())
}

func run() int {
	config, out := "kargo.config.yaml", "demo-dist"
	if len(os.Args) > 1 {
		config = os.Args[1]
	}
	srv, err := fixture.Start()
	if err != nil {
		fmt.Fprintln(os.Stderr, "demo:", err)
		return 1
	}
	defer srv.Close()
	tmp, err := os.MkdirTemp("", "kargo-demo-")
	if err != nil {
		fmt.Fprintln(os.Stderr, "demo:", err)
		return 1
	}
	defer os.RemoveAll(tmp)

	// The project's config, copied so that kargo.lock (next to the first -c file) is the
	// demo's own; an overlay points every pinned upstream at the fixture server.
	data, err := os.ReadFile(config)
	if err != nil {
		fmt.Fprintln(os.Stderr, "demo:", err)
		return 1
	}
	base := filepath.Join(tmp, "kargo.config.yaml")
	overlay := filepath.Join(tmp, "demo-mirrors.yaml")
	mirrors, _ := yaml.Marshal(map[string]any{"sources": map[string]any{"mirrors": srv.Mirrors()}})
	if err := os.WriteFile(base, data, 0o644); err != nil {
		fmt.Fprintln(os.Stderr, "demo:", err)
		return 1
	}
	if err := os.WriteFile(overlay, mirrors, 0o644); err != nil {
		fmt.Fprintln(os.Stderr, "demo:", err)
		return 1
	}
	var hosts []string
	for k := range srv.Mirrors() {
		hosts = append(hosts, k)
	}
	sort.Strings(hosts)
	fmt.Printf("fixture upstream on %s standing in for %v\n\n", srv.URL, hosts)
	flags := []string{"-c", base, "-c", overlay, "--cache-dir", filepath.Join(tmp, "cache")}
	steps := [][]string{
		append([]string{"synth", "-o", out}, flags...),
		append([]string{"images"}, flags...),
		append([]string{"diff", "-o", out, "--offline", "--locked"}, flags...),
	}
	for _, args := range steps {
		fmt.Printf("$ kargo %s\n", args[0])
		if code := cli.Run(args, os.Stdout, os.Stderr); code != 0 {
			return code
		}
		fmt.Println()
	}
	fmt.Printf("%s/ holds the platform rendered from fixture artifacts; kargo diff found no drift.\n", out)
	return 0
}
