package cli

import (
	"context"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"github.com/kargo-platform/kargo/constructs/platform"
	"github.com/kargo-platform/kargo/internal/artifact"
	"github.com/kargo-platform/kargo/internal/config"
	"github.com/kargo-platform/kargo/internal/synth"
)

// artifacts loads the config, lists the artifacts of its enabled modules and opens the
// store and kargo.lock.
func (c *common) artifacts(reg *platform.Registry, stderr io.Writer) ([]artifact.Ref, *artifact.Store, *artifact.Lock, error) {
	cfg, err := c.load(reg)
	if err != nil {
		return nil, nil, nil, err
	}
	refs, err := synth.Refs(reg, cfg)
	if err != nil {
		return nil, nil, nil, err
	}
	store, lock, err := c.store(cfg, stderr)
	return refs, store, lock, err
}

// runLock fetches every artifact the config uses, records its digest and drops entries
// no config uses. --refresh NAME accepts a re-published artifact's new digest.
func runLock(reg *platform.Registry, args []string, stdout, stderr io.Writer) int {
	var c common
	var refresh stringList
	fs := newFlags("lock", stderr, &c, false)
	fs.Var(&refresh, "refresh", "forget the recorded digest of artifact `NAME` and record what upstream serves now (after verifying the change)")
	if ok, code := parse(fs, args, stderr); !ok {
		return code
	}
	refs, store, lock, err := c.artifacts(reg, stderr)
	if err != nil {
		fail(stderr, err)
		return ExitError
	}
	for _, name := range refresh {
		if !lock.Delete(name) {
			fmt.Fprintf(stderr, "kargo: --refresh %s: kargo.lock has no such artifact; it has: %s\n", name, strings.Join(lock.Names(), ", "))
			return ExitError
		}
	}
	var errs config.Errors
	var used []string
	for _, ref := range refs {
		used = append(used, ref.Name)
		if _, err := store.Fetch(context.Background(), ref); err != nil {
			errs = append(errs, err)
		}
	}
	if len(errs) > 0 {
		fail(stderr, errs)
		return ExitError
	}
	dropped := lock.Prune(used)
	if err := lock.Write(c.lockPath()); err != nil {
		fail(stderr, err)
		return ExitError
	}
	fmt.Fprintf(stdout, "%s: %d artifacts", c.lockPath(), len(refs))
	if len(dropped) > 0 {
		fmt.Fprintf(stdout, ", dropped %s", strings.Join(dropped, ", "))
	}
	fmt.Fprintln(stdout)
	return ExitOK
}

// runOutdated lists newer upstream versions of each artifact, changing nothing.
func runOutdated(reg *platform.Registry, args []string, stdout, stderr io.Writer) int {
	var c common
	fs := newFlags("outdated", stderr, &c, false)
	if ok, code := parse(fs, args, stderr); !ok {
		return code
	}
	refs, store, _, err := c.artifacts(reg, stderr)
	if err != nil {
		fail(stderr, err)
		return ExitError
	}
	tw := tabwriter.NewWriter(stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "ARTIFACT\tVERSION\tNEWER")
	code := ExitOK
	for _, ref := range refs {
		newer, err := store.Newer(context.Background(), ref)
		switch {
		case err != nil:
			fmt.Fprintf(tw, "%s\t%s\t? (%v)\n", ref.Name, ref.Version, err)
			code = ExitError
		case len(newer) == 0:
			fmt.Fprintf(tw, "%s\t%s\tup to date\n", ref.Name, ref.Version)
		default:
			fmt.Fprintf(tw, "%s\t%s\t%s\n", ref.Name, ref.Version, strings.Join(newer, ", "))
		}
	}
	tw.Flush()
	return code
}

// runVendor copies every artifact of the config into DIR for sites with no network.
func runVendor(reg *platform.Registry, args []string, stdout, stderr io.Writer) int {
	var c common
	fs := newFlags("vendor", stderr, &c, false)
	if err := fs.Parse(args); err != nil {
		return ExitError
	}
	if fs.NArg() != 1 {
		fmt.Fprintln(stderr, "kargo: vendor takes one directory: kargo vendor [flags] DIR")
		return ExitError
	}
	dir := fs.Arg(0)
	refs, store, lock, err := c.artifacts(reg, stderr)
	if err != nil {
		fail(stderr, err)
		return ExitError
	}
	if err := store.Vendor(context.Background(), refs, dir); err != nil {
		fail(stderr, err)
		return ExitError
	}
	if lock.Changed() {
		if err := lock.Write(c.lockPath()); err != nil {
			fail(stderr, err)
			return ExitError
		}
	}
	fmt.Fprintf(stdout, "vendored %d artifacts into %s; serve them with sources.vendor_dir or --vendor %s\n", len(refs), dir, dir)
	return ExitOK
}
