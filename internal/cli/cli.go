package cli

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"

	"github.com/kargo-platform/kargo/constructs/catalog"
	"github.com/kargo-platform/kargo/constructs/platform"
	"github.com/kargo-platform/kargo/internal/artifact"
	"github.com/kargo-platform/kargo/internal/config"
	"github.com/kargo-platform/kargo/internal/synth"
)

// Exit codes.
const (
	ExitOK    = 0
	ExitError = 1
	// ExitDrift is what kargo diff returns when the directory differs from a synth.
	ExitDrift = 1
	// ExitDiffError is what kargo diff returns on an error.
	ExitDiffError = 2
)

// Version is kargo's version. It is a constant of the source, not derived from git: dist/ records it,
// and a version that changed on every commit of the repository holding dist/ would churn
// every synth. Release builds may set it with
// -ldflags "-X github.com/kargo-platform/kargo/internal/cli.Version=...".
var Version = "0.1.0-dev"

const usage = `kargo synthesizes the Kargo KubeVirt platform into plain Kubernetes YAML.

Usage:
  kargo synth   [-c FILE]... [--set path=value]... [-o DIR] [--summary text|json] [--timings]
  kargo diff    [-c FILE]... [--set path=value]... [-o DIR]
  kargo lock    [-c FILE]... [--set path=value]... [--refresh NAME]...
  kargo outdated [-c FILE]... [--set path=value]...
  kargo vendor  [-c FILE]... [--set path=value]... DIR
  kargo images  [-c FILE]... [--set path=value]...
  kargo modules [-c FILE]... [--set path=value]...
  kargo explain [MODULE[.FIELD] | SECTION[.FIELD]]
  kargo version

Defaults: -c kargo.config.yaml -o dist. Several -c files deep-merge in order; --set
overrides one key (e.g. --set modules.vm.enabled=true, --set 'metadata.labels[team]=infra').
Artifact flags (synth, diff, lock, vendor, images): --offline, --locked, --vendor DIR,
--cache-dir DIR. kargo.lock lives next to the first -c file.
`

// Run runs kargo with args (without the program name) and returns the exit code.
func Run(args []string, stdout, stderr io.Writer) int {
	return RunWith(catalog.Registry(), args, stdout, stderr)
}

// RunWith is Run with the modules of reg.
func RunWith(reg *platform.Registry, args []string, stdout, stderr io.Writer) (code int) {
	defer func() {
		if r := recover(); r != nil {
			fmt.Fprintf(stderr, "kargo: internal error: %v\nthis is a bug in kargo; please report it with the command you ran\n", r)
			code = ExitError
		}
	}()
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return ExitError
	}
	switch args[0] {
	case "synth":
		return runSynth(reg, args[1:], stdout, stderr)
	case "diff":
		return runDiff(reg, args[1:], stdout, stderr)
	case "lock":
		return runLock(reg, args[1:], stdout, stderr)
	case "outdated":
		return runOutdated(reg, args[1:], stdout, stderr)
	case "vendor":
		return runVendor(reg, args[1:], stdout, stderr)
	case "images":
		return runImages(reg, args[1:], stdout, stderr)
	case "modules":
		return runModules(reg, args[1:], stdout, stderr)
	case "explain":
		return runExplain(reg, args[1:], stdout, stderr)
	case "version":
		return runVersion(stdout)
	case "help", "-h", "--help":
		fmt.Fprint(stdout, usage)
		return ExitOK
	}
	fmt.Fprintf(stderr, "kargo: unknown command %q\n\n%s", args[0], usage)
	return ExitError
}

// stringList is a repeatable flag.
type stringList []string

func (s *stringList) String() string     { return strings.Join(*s, ",") }
func (s *stringList) Set(v string) error { *s = append(*s, v); return nil }

// common are the flags synth, diff and the artifact commands share.
type common struct {
	files    stringList
	sets     stringList
	out      string
	offline  bool
	locked   bool
	vendor   string
	cacheDir string
}

func newFlags(name string, stderr io.Writer, c *common, withOut bool) *flag.FlagSet {
	fs := flag.NewFlagSet("kargo "+name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Var(&c.files, "c", "config `file` (repeatable; later files override earlier ones; default kargo.config.yaml)")
	fs.Var(&c.sets, "set", "override one config key: `path=value` (repeatable)")
	if withOut {
		fs.StringVar(&c.out, "o", "dist", "output `directory`")
	}
	fs.BoolVar(&c.offline, "offline", false, "never open a network connection; artifacts come from the cache or the vendor directory")
	fs.BoolVar(&c.locked, "locked", false, "refuse any artifact kargo.lock does not record (for CI)")
	fs.StringVar(&c.vendor, "vendor", "", "serve every artifact from this `directory` (written by kargo vendor); overrides sources.vendor_dir")
	fs.StringVar(&c.cacheDir, "cache-dir", "", "artifact cache `directory`; overrides sources.cache_dir and $KARGO_CACHE_DIR")
	return fs
}

// lockPath is kargo.lock next to the first config file.
func (c *common) lockPath() string { return filepath.Join(filepath.Dir(c.files[0]), "kargo.lock") }

// httpClient, when set, is the artifact store's HTTP client (tests keep it on loopback).
var httpClient *http.Client

// store opens kargo.lock and the artifact store the flags and config describe.
func (c *common) store(cfg *config.Config, stderr io.Writer) (*artifact.Store, *artifact.Lock, error) {
	lock, err := artifact.ReadLock(c.lockPath())
	if err != nil {
		return nil, nil, err
	}
	opts := artifact.Options{
		CacheDir:  firstOf(c.cacheDir, cfg.Sources.CacheDir, artifact.DefaultCacheDir()),
		VendorDir: c.vendor,
		Offline:   c.offline,
		Locked:    c.locked,
		Mirrors:   cfg.Sources.Mirrors,
		Client:    httpClient,
	}
	if opts.VendorDir == "" && cfg.Sources.VendorDir != "" {
		opts.VendorDir = cfg.Sources.VendorDir
		if !filepath.IsAbs(opts.VendorDir) {
			opts.VendorDir = filepath.Join(filepath.Dir(c.files[0]), opts.VendorDir)
		}
	}
	if isTerminal(stderr) {
		opts.Progress = stderr
	}
	return artifact.NewStore(opts, lock), lock, nil
}

func firstOf(values ...string) string {
	for _, v := range values {
		if v != "" {
			return v
		}
	}
	return ""
}

func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	info, err := f.Stat()
	return err == nil && info.Mode()&os.ModeCharDevice != 0
}

func (c *common) load(reg *platform.Registry) (*config.Config, error) {
	if len(c.files) == 0 {
		c.files = stringList{"kargo.config.yaml"}
	}
	return config.Load(reg, c.files, c.sets)
}

// synth loads the config and synthesizes it; the lock it returns has the entries of
// artifacts fetched for the first time (the caller decides whether to write it).
func (c *common) synth(reg *platform.Registry, stderr io.Writer) (*synth.Result, *artifact.Lock, error) {
	cfg, err := c.load(reg)
	if err != nil {
		return nil, nil, err
	}
	store, lock, err := c.store(cfg, stderr)
	if err != nil {
		return nil, nil, err
	}
	res, err := synth.Run(cfg, synth.Options{
		Registry:  reg,
		Version:   Version,
		ConfigDir: filepath.Dir(c.files[0]),
		Warn:      func(msg string) { fmt.Fprintf(stderr, "warning: %s\n", msg) },
		Artifacts: store,
	})
	return res, lock, err
}

func fail(stderr io.Writer, err error) {
	var list config.Errors
	if errors.As(err, &list) && len(list) > 1 {
		fmt.Fprintf(stderr, "kargo: %d problems:\n", len(list))
		for _, e := range list {
			fmt.Fprintf(stderr, "  %s\n", e)
		}
		return
	}
	fmt.Fprintf(stderr, "kargo: %s\n", err)
}

func parse(fs *flag.FlagSet, args []string, stderr io.Writer) (bool, int) {
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return false, ExitOK
		}
		return false, ExitError
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "kargo: unexpected argument %q\n", fs.Arg(0))
		return false, ExitError
	}
	return true, 0
}

func exists(path string) bool {
	_, err := os.Stat(path)
	return err == nil
}
