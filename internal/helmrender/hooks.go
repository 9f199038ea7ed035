package helmrender

import (
	"fmt"
	"regexp"
	"slices"
	"strings"

	release "helm.sh/helm/v4/pkg/release/v1"

	"github.com/kargo-platform/kargo/internal/manifest"
)

// DefaultDropHooks are the hook events dropped when Options.DropHooks is nil: chart
// tests, which `kubectl apply` would otherwise run as ordinary Pods. Helm 4 knows "test"
// and its Helm 2 alias "test-success"; it does not know "test-failure" and silently
// leaves an object carrying it out of the render altogether (Render warns about such
// templates).
var DefaultDropHooks = []string{string(release.HookTest), "test-success"}

// knownHookEvents are the hook events Helm 4.3 accepts (pkg/release/v1/util's events).
var knownHookEvents = map[string]bool{
	string(release.HookPreInstall):   true,
	string(release.HookPostInstall):  true,
	string(release.HookPreDelete):    true,
	string(release.HookPostDelete):   true,
	string(release.HookPreUpgrade):   true,
	string(release.HookPostUpgrade):  true,
	string(release.HookPreRollback):  true,
	string(release.HookPostRollback): true,
	string(release.HookTest):         true,
	"test-success":                   true,
}

// hookEvents returns the events of the object's helm.sh/hook annotation as written
// (lower-cased and trimmed, as Helm reads them).
func hookEvents(o manifest.Object) []string {
	v, _ := o.StringMap("annotations", false)[release.HookAnnotation].(string)
	var out []string
	for e := range strings.SplitSeq(v, ",") {
		if e = strings.ToLower(strings.TrimSpace(e)); e != "" {
			out = append(out, e)
		}
	}
	return out
}

// dropHook reports whether every event of a hook is in drop, and returns the events.
func dropHook(o manifest.Object, drop []string) (bool, []string) {
	events := hookEvents(o)
	if len(events) == 0 {
		return false, nil
	}
	for _, e := range events {
		if !slices.Contains(drop, e) {
			return false, events
		}
	}
	return true, events
}

// droppedLine describes a dropped hook object: "Pod default/x-test (hook: test)".
func droppedLine(o manifest.Object, events []string) string {
	return fmt.Sprintf("%s (hook: %s)", o.ID(), strings.Join(events, ","))
}

// hookAnnotationRE matches a literal helm.sh/hook annotation in template text.
var hookAnnotationRE = regexp.MustCompile(`(?m)^\s*["']?helm\.sh/hook["']?\s*:\s*(.*)$`)

// unknownHookWarnings scans template text for helm.sh/hook annotations naming events
// Helm does not know: Helm drops such objects from its output without an error.
func unknownHookWarnings(file, text string) []string {
	var out []string
	for _, m := range hookAnnotationRE.FindAllStringSubmatch(text, -1) {
		v := strings.TrimSpace(m[1])
		if strings.Contains(v, "{{") {
			continue // templated: cannot tell
		}
		if i := strings.Index(v, " #"); i >= 0 {
			v = v[:i]
		}
		v = strings.Trim(v, `"'`)
		for e := range strings.SplitSeq(v, ",") {
			e = strings.ToLower(strings.TrimSpace(e))
			if e != "" && !knownHookEvents[e] {
				out = append(out, fmt.Sprintf("%s: hook event %q is unknown to Helm 4, which leaves the object out of the render without an error", file, e))
			}
		}
	}
	return out
}
