// Package versions is the one table of pinned upstream versions (the original Kargo's
// default_versions.json). Each module's DefaultConfig takes its version from here; a
// config overrides it per module with `version`. kargo never resolves "latest": kargo
// outdated lists newer versions, and changing one is an edit of the config (or of this
// table in a kargo release).
package versions

import "fmt"

// Default maps a module name to the version of the upstream artifact it deploys.
var Default = map[string]string{
	"cert_manager":         "1.15.3",
	"kubevirt":             "1.3.1",
	"cdi":                  "1.60.3",
	"multus":               "4.3.0",
	"hostpath_provisioner": "0.20.0",
	"prometheus":           "62.7.0",
	"cnao":                 "0.94.2",
	"kubernetes_dashboard": "7.4.0",
	"kubevirt_manager":     "1.4.1",
	"gateway_api":          "1.2.0",
	"local_path_storage":   "0.0.37",
}

// Of returns the pinned version of module; it panics for a module the table lacks,
// which is a bug in kargo (caught by the module's tests).
func Of(module string) string {
	v, ok := Default[module]
	if !ok {
		panic(fmt.Sprintf("versions: no pinned version for module %q", module))
	}
	return v
}
