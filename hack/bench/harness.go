package main

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"syscall"
	"text/tabwriter"
	"time"

	"sigs.k8s.io/yaml"

	"github.com/kargo-platform/kargo/constructs/catalog"
	"github.com/kargo-platform/kargo/internal/fixture"
	"github.com/kargo-platform/kargo/internal/synth"
)

// testKey is a public key for the vm module (never used to log in anywhere).
const testKey = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAINJrnaYR5syVLY0zTKWQiLXuF1fsknL87MbukqhSDQ7D bench"

// sample is one measured run.
type sample struct {
	wall, cpu time.Duration
	peakRSS   int64 // bytes, the process and its descendants together
}

func harness(args []string) int {
	fs := flag.NewFlagSet("bench", flag.ContinueOnError)
	runs := fs.Int("runs", 5, "measured runs of each command")
	count := fs.Int("count", 1000, "small objects in the workload chart")
	upstreamDir := fs.String("upstream", filepath.Join("..", "shared", "upstream"), "the shared/upstream folder with the real large CRDs")
	scale := fs.Bool("scale", true, "also measure with 0 and 2x small objects (linearity)")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	self, err := os.Executable()
	if err != nil {
		return fail(err)
	}
	fx, err := fixture.Start()
	if err != nil {
		return fail(err)
	}
	defer fx.Close()
	base, crds, stop, err := serveWorkload(*upstreamDir)
	if err != nil {
		return fail(err)
	}
	defer stop()
	tmp, err := os.MkdirTemp("", "kargo-bench-")
	if err != nil {
		return fail(err)
	}
	defer os.RemoveAll(tmp)
	cache := filepath.Join(tmp, "cache")

	synthArgs := func(n int) ([]string, error) {
		dir := filepath.Join(tmp, fmt.Sprintf("config-%d", n))
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return nil, err
		}
		modules := map[string]any{}
		for _, m := range catalog.Modules() {
			modules[m.Name()] = map[string]any{"enabled": true}
		}
		modules["vm"] = map[string]any{"enabled": true, "ssh_pub_key": testKey}
		modules["workload"] = map[string]any{"enabled": true, "repo": base, "count": n, "crds": crds}
		cfg, _ := yaml.Marshal(map[string]any{
			"apiVersion": "kargo/v1alpha1",
			"metadata":   map[string]any{"labels": map[string]any{"team": "infra", "env": "prod"}, "annotations": map[string]any{"owner": "platform@example.com"}},
			"sources":    map[string]any{"mirrors": fx.Mirrors()},
			"modules":    modules,
		})
		path := filepath.Join(dir, "kargo.config.yaml")
		if err := os.WriteFile(path, cfg, 0o644); err != nil {
			return nil, err
		}
		return []string{"-c", path, "--cache-dir", cache}, nil
	}

	out := filepath.Join(tmp, "dist")
	main, err := synthArgs(*count)
	if err != nil {
		return fail(err)
	}
	// Warm-up: fetch into the cache, record the lock.
	if _, err := run(self, append([]string{"kargo", "synth", "-o", out}, main...)...); err != nil {
		return fail(err)
	}
	locked := append(main, "--offline", "--locked")
	summaryJSON, err := capture(self, append([]string{"kargo", "synth", "-o", out, "--summary", "json"}, locked...)...)
	if err != nil {
		return fail(err)
	}
	var summary synth.Summary
	if err := json.Unmarshal(summaryJSON, &summary); err != nil {
		return fail(fmt.Errorf("summary: %w", err))
	}
	written := dirBytes(out)

	measure := func(args ...string) ([]sample, error) {
		var ss []sample
		for i := 0; i < *runs; i++ {
			s, err := run(self, args...)
			if err != nil {
				return nil, err
			}
			ss = append(ss, s)
		}
		return ss, nil
	}
	kargo, err := measure(append([]string{"kargo", "synth", "-o", out}, locked...)...)
	if err != nil {
		return fail(err)
	}
	diff, err := measure(append([]string{"kargo", "diff", "-o", out}, locked...)...)
	if err != nil {
		return fail(err)
	}
	ref, err := measure("reference", out, filepath.Join(tmp, "reference"))
	if err != nil {
		return fail(err)
	}

	fmt.Printf("workload: %d modules, %d objects, %.2f MB written in %d files (%d small objects, %d large CRD files)\n",
		len(summary.Modules), summary.Objects, float64(written)/1e6, len(summary.Files), *count, len(crds))
	fmt.Printf("medians of %d runs (min-max), warm cache, offline\n\n", *runs)
	tw := tabwriter.NewWriter(os.Stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "\twall\tuser+sys CPU\tpeak memory (all processes)")
	row := func(name string, ss []sample) {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", name,
			stat(ss, func(s sample) float64 { return s.wall.Seconds() }, "%.2f s"),
			stat(ss, func(s sample) float64 { return s.cpu.Seconds() }, "%.2f s"),
			stat(ss, func(s sample) float64 { return float64(s.peakRSS) / (1 << 20) }, "%.0f MiB"))
	}
	row("kargo synth", kargo)
	row("kargo diff (unchanged)", diff)
	row("Go-only reference (sigs.k8s.io/yaml)", ref)
	tw.Flush()
	k, r := median(kargo, wallOf), median(ref, wallOf)
	fmt.Printf("\nkargo / reference (wall): %.2f\n", k/r)
	if t, err := timings(self, append([]string{"kargo", "synth", "-o", out, "--timings"}, locked...)...); err == nil {
		fmt.Printf("one kargo synth, inside: %s\n", t)
	}

	if *scale {
		times := map[int]float64{}
		for _, n := range []int{0, 2 * *count} {
			a, err := synthArgs(n)
			if err != nil {
				return fail(err)
			}
			if _, err := run(self, append([]string{"kargo", "synth", "-o", filepath.Join(tmp, "scale")}, a...)...); err != nil {
				return fail(err)
			}
			ss, err := measure(append([]string{"kargo", "synth", "-o", filepath.Join(tmp, "scale")}, append(a, "--offline", "--locked")...)...)
			if err != nil {
				return fail(err)
			}
			times[n] = minimum(ss, wallOf)
		}
		times[*count] = minimum(kargo, wallOf)
		v1, v2 := times[*count]-times[0], times[2**count]-times[*count]
		fmt.Printf("\nscaling (fastest of %d runs, the least noisy figure):", *runs)
		fmt.Printf(" %d small objects %.2f s, %d: %.2f s, %d: %.2f s\n", 0, times[0], *count, times[*count], 2**count, times[2**count])
		fmt.Printf("variable part: first %d objects %.3f s, next %d objects %.3f s (ratio %.2f; linear is 1)\n", *count, v1, *count, v2, v2/v1)
	}
	return 0
}

func wallOf(s sample) float64 { return s.wall.Seconds() }

func minimum(ss []sample, f func(sample) float64) float64 {
	m := f(ss[0])
	for _, s := range ss[1:] {
		m = min(m, f(s))
	}
	return m
}

// timings returns the --timings line a synth prints on stderr.
func timings(bin string, args ...string) (string, error) {
	cmd := exec.Command(bin, args...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Run(); err != nil {
		return "", err
	}
	for _, line := range strings.Split(stderr.String(), "\n") {
		if strings.HasPrefix(line, "timings: ") {
			return strings.TrimPrefix(line, "timings: "), nil
		}
	}
	return "", fmt.Errorf("no timings line")
}

func median(ss []sample, f func(sample) float64) float64 {
	v := make([]float64, len(ss))
	for i, s := range ss {
		v[i] = f(s)
	}
	sort.Float64s(v)
	return v[len(v)/2]
}

func stat(ss []sample, f func(sample) float64, format string) string {
	v := make([]float64, len(ss))
	for i, s := range ss {
		v[i] = f(s)
	}
	sort.Float64s(v)
	return fmt.Sprintf(format+" ("+format+"-"+format+")", v[len(v)/2], v[0], v[len(v)-1])
}

func fail(err error) int {
	fmt.Fprintln(os.Stderr, "bench:", err)
	return 1
}

func capture(bin string, args ...string) ([]byte, error) {
	cmd := exec.Command(bin, args...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return nil, fmt.Errorf("%s: %v\n%s", strings.Join(args, " "), err, stderr.String())
	}
	return out, nil
}

// run runs one command and measures it: wall time, CPU of it and every descendant it
// waited for, and the peak of the summed resident memory of the process tree.
func run(bin string, args ...string) (sample, error) {
	var before, after syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_CHILDREN, &before)
	cmd := exec.Command(bin, args...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	start := time.Now()
	if err := cmd.Start(); err != nil {
		return sample{}, err
	}
	done := make(chan struct{})
	peak := make(chan int64)
	go func() {
		var max int64
		t := time.NewTicker(5 * time.Millisecond)
		defer t.Stop()
		for {
			if rss := treeRSS(cmd.Process.Pid); rss > max {
				max = rss
			}
			select {
			case <-done:
				peak <- max
				return
			case <-t.C:
			}
		}
	}()
	err := cmd.Wait()
	wall := time.Since(start)
	close(done)
	p := <-peak
	syscall.Getrusage(syscall.RUSAGE_CHILDREN, &after)
	if err != nil {
		return sample{}, fmt.Errorf("%s: %v\n%s", strings.Join(args, " "), err, stderr.String())
	}
	cpu := tv(after.Utime) + tv(after.Stime) - tv(before.Utime) - tv(before.Stime)
	return sample{wall: wall, cpu: cpu, peakRSS: p}, nil
}

func tv(t syscall.Timeval) time.Duration {
	return time.Duration(t.Sec)*time.Second + time.Duration(t.Usec)*time.Microsecond
}

// treeRSS sums VmRSS of pid and its descendants.
func treeRSS(pid int) int64 {
	total := int64(0)
	stack := []int{pid}
	for len(stack) > 0 {
		p := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		total += rss(p)
		children, _ := os.ReadFile(fmt.Sprintf("/proc/%d/task/%d/children", p, p))
		for _, f := range strings.Fields(string(children)) {
			if c, err := strconv.Atoi(f); err == nil {
				stack = append(stack, c)
			}
		}
	}
	return total
}

func rss(pid int) int64 {
	data, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(data), "\n") {
		if strings.HasPrefix(line, "VmRSS:") {
			f := strings.Fields(line)
			if len(f) >= 2 {
				kb, _ := strconv.ParseInt(f[1], 10, 64)
				return kb * 1024
			}
		}
	}
	return 0
}

func dirBytes(dir string) int64 {
	var n int64
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		if info, err := e.Info(); err == nil {
			n += info.Size()
		}
	}
	return n
}
