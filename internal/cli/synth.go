package cli

import (
	"encoding/json"
	"fmt"
	"io"
	"text/tabwriter"
	"time"

	"github.com/kargo-platform/kargo/constructs/platform"
	"github.com/kargo-platform/kargo/internal/output"
)

func runSynth(reg *platform.Registry, args []string, stdout, stderr io.Writer) int {
	var c common
	fs := newFlags("synth", stderr, &c, true)
	summary := fs.String("summary", "text", "what to print: text or json (the summary object written to dist/)")
	timings := fs.Bool("timings", false, "print where the time went on stderr")
	if ok, code := parse(fs, args, stderr); !ok {
		return code
	}
	if *summary != "text" && *summary != "json" {
		fmt.Fprintf(stderr, "kargo: --summary must be text or json, not %q\n", *summary)
		return ExitError
	}
	res, lock, err := c.synth(reg, stderr)
	if err != nil {
		fail(stderr, err)
		return ExitError
	}
	t := time.Now()
	rep, err := output.Write(c.out, res.Files)
	if err != nil {
		fail(stderr, err)
		return ExitError
	}
	if *timings {
		p := res.Phases
		fmt.Fprintf(stderr, "timings: fetch+parse %v (jsii ready at %v, in parallel), build %v, aspects+layout+encode %v, write %v\n",
			p.Fetch.Round(time.Millisecond), p.JSIIStart.Round(time.Millisecond), p.Build.Round(time.Millisecond), p.Layout.Round(time.Millisecond), time.Since(t).Round(time.Millisecond))
	}
	// Like go.sum: artifacts used for the first time are recorded.
	if lock.Changed() {
		if err := lock.Write(c.lockPath()); err != nil {
			fail(stderr, err)
			return ExitError
		}
		fmt.Fprintf(stderr, "recorded new artifacts in %s; commit it\n", c.lockPath())
	}
	if *summary == "json" {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		if err := enc.Encode(res.Summary); err != nil {
			fail(stderr, err)
			return ExitError
		}
		return ExitOK
	}
	s := res.Summary
	fmt.Fprintf(stdout, "synthesized %d objects from %d modules into %s/ in %dms (%d files written, %d removed)\n",
		s.Objects, len(s.Modules), c.out, res.Duration.Milliseconds(), len(rep.Written), len(rep.Removed))
	tw := tabwriter.NewWriter(stdout, 0, 4, 2, ' ', 0)
	if len(s.Modules) > 0 {
		fmt.Fprintln(tw, "  MODULE\tVERSION\tOBJECTS")
		for _, m := range s.Modules {
			v := m.Version
			if v == "" {
				v = "-"
			}
			fmt.Fprintf(tw, "  %s\t%s\t%d\n", m.Name, v, m.Objects)
		}
	}
	tw.Flush()
	for _, r := range rep.Removed {
		fmt.Fprintf(stdout, "  removed %s\n", r)
	}
	return ExitOK
}

func runDiff(reg *platform.Registry, args []string, stdout, stderr io.Writer) int {
	var c common
	fs := newFlags("diff", stderr, &c, true)
	if ok, code := parse(fs, args, stderr); !ok {
		if code == ExitError {
			return ExitDiffError
		}
		return code
	}
	res, _, err := c.synth(reg, stderr) // diff never writes kargo.lock
	if err != nil {
		fail(stderr, err)
		return ExitDiffError
	}
	text, differs, err := output.Diff(c.out, res.Files)
	if err != nil {
		fail(stderr, err)
		return ExitDiffError
	}
	if differs {
		fmt.Fprint(stdout, text)
		fmt.Fprintf(stderr, "kargo: %s/ differs from a fresh synth; run `kargo synth -o %s` and commit the result\n", c.out, c.out)
		return ExitDrift
	}
	return ExitOK
}
