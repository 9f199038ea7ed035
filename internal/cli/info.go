package cli

import (
	"fmt"
	"io"
	"os"
	"os/exec"
	"runtime/debug"
	"strings"
	"text/tabwriter"

	"github.com/kargo-platform/kargo/constructs/images"
	"github.com/kargo-platform/kargo/constructs/platform"
	"github.com/kargo-platform/kargo/internal/config"
)

func runModules(reg *platform.Registry, args []string, stdout, stderr io.Writer) int {
	var c common
	fs := newFlags("modules", stderr, &c, false)
	if ok, code := parse(fs, args, stderr); !ok {
		return code
	}
	cfg := config.Default(reg)
	if len(c.files) > 0 || len(c.sets) > 0 || exists("kargo.config.yaml") {
		var err error
		if cfg, err = c.load(reg); err != nil {
			fail(stderr, err)
			return ExitError
		}
	}
	tw := tabwriter.NewWriter(stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "MODULE\tENABLED\tVERSION\tREQUIRES\tDESCRIPTION")
	for _, name := range reg.Names() {
		m, _ := reg.Get(name)
		mc := cfg.Modules[name]
		v := m.Version(mc)
		if v == "" {
			v = "-"
		}
		reqs := strings.Join(m.Requires(), ",")
		if reqs == "" {
			reqs = "-"
		}
		fmt.Fprintf(tw, "%s\t%t\t%s\t%s\t%s\n", name, mc.IsEnabled(), v, reqs, m.Doc())
	}
	tw.Flush()
	return ExitOK
}

func runImages(reg *platform.Registry, args []string, stdout, stderr io.Writer) int {
	var c common
	fs := newFlags("images", stderr, &c, false)
	if ok, code := parse(fs, args, stderr); !ok {
		return code
	}
	res, _, err := c.synth(reg, stderr)
	if err != nil {
		fail(stderr, err)
		return ExitError
	}
	for _, u := range images.List(res.Objects, res.ImageRules...) {
		fmt.Fprintln(stdout, u.Image)
		for _, id := range u.Objects {
			fmt.Fprintf(stdout, "    %s\n", id)
		}
	}
	return ExitOK
}

func runExplain(reg *platform.Registry, args []string, stdout, stderr io.Writer) int {
	if len(args) > 1 {
		fmt.Fprintln(stderr, "kargo: explain takes one path, e.g. kargo explain vm.ssh_user")
		return ExitError
	}
	path := ""
	if len(args) == 1 {
		path = args[0]
	}
	fields, err := config.Describe(reg, path)
	if err != nil {
		fail(stderr, err)
		return ExitError
	}
	fmt.Fprint(stdout, config.FormatFields(fields))
	return ExitOK
}

func runVersion(stdout io.Writer) int {
	fmt.Fprintf(stdout, "kargo %s\n", Version)
	deps := map[string]string{}
	if info, ok := debug.ReadBuildInfo(); ok {
		fmt.Fprintf(stdout, "go %s\n", strings.TrimPrefix(info.GoVersion, "go"))
		for _, d := range info.Deps {
			deps[d.Path] = d.Version
		}
	}
	for _, d := range []struct{ name, path string }{
		{"cdk8s", "github.com/cdk8s-team/cdk8s-core-go/cdk8s/v2"},
		{"constructs", "github.com/aws/constructs-go/constructs/v10"},
		{"jsii-runtime", "github.com/aws/jsii-runtime-go"},
		{"helm", "helm.sh/helm/v4"},
	} {
		if v, ok := deps[d.path]; ok {
			fmt.Fprintf(stdout, "%s %s\n", d.name, strings.TrimPrefix(v, "v"))
		}
	}
	fmt.Fprintf(stdout, "node %s\n", nodeVersion())
	return ExitOK
}

// nodeVersion is the version of the node binary jsii runs (JSII_NODE or node on PATH).
func nodeVersion() string {
	bin := os.Getenv("JSII_NODE")
	if bin == "" {
		bin = "node"
	}
	out, err := exec.Command(bin, "--version").Output()
	if err != nil {
		return "not found (jsii needs node >= 20 on PATH or JSII_NODE)"
	}
	return strings.TrimPrefix(strings.TrimSpace(string(out)), "v")
}
