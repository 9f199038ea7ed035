// Command gen writes Go structs for the OpenAPI v3 schema of one version of a
// CustomResourceDefinition, for the kinds whose upstream project publishes no Go API
// module (the hostpath-provisioner-operator's HostPathProvisioner).
//
//	go run ./imports/hostpathprovisioner/gen -crd operator.yaml -o imports/hostpathprovisioner/types_generated.go
//
// -crd is a multi-document YAML file (an upstream release manifest); the CRD is the one
// document of kind CustomResourceDefinition in it, or the one -name picks. The output is
// gofmt'd, deterministic and starts with a "Code generated ... DO NOT EDIT." line. It
// holds the types of the root's properties and everything under them (the root itself,
// with TypeMeta and ObjectMeta, is written by hand):
//
//   - an object with properties is a struct, named after its path: the root's
//     properties are Kind + field (HostPathProvisionerSpec), others the field name,
//     singular for the items of an array (storagePools → StoragePool); a name two
//     different schemas would share is qualified with the parent fields until it is
//     unique, and identical schemas share one type;
//   - an array is a slice; string, integer (int32/int64 by format), number and boolean
//     are the Go types; x-kubernetes-int-or-string is intstr.IntOrString;
//   - additionalProperties is a map[string] of the value schema's type;
//   - a free-form object (no properties, or x-kubernetes-preserve-unknown-fields) is
//     map[string]any, a value without a type json.RawMessage;
//   - a field the schema does not list as required gets omitempty, and an optional
//     struct or int-or-string is a pointer.
package main

import (
	"flag"
	"fmt"
	"os"
)

func main() {
	var o options
	var out string
	flag.StringVar(&o.file, "crd", "", "multi-document YAML file holding the CustomResourceDefinition (required)")
	flag.StringVar(&o.name, "name", "", "metadata.name of the CRD, when the file holds more than one")
	flag.StringVar(&o.version, "version", "v1beta1", "version of the CRD whose schema is generated")
	flag.StringVar(&o.pkg, "package", "hostpathprovisioner", "package name of the generated file")
	flag.StringVar(&out, "o", "", "output file; standard output when empty")
	flag.Parse()
	if o.file == "" || flag.NArg() > 0 {
		fmt.Fprintln(os.Stderr, "usage: gen -crd FILE [-name CRD] [-version v1beta1] [-package name] [-o types_generated.go]")
		os.Exit(2)
	}
	data, err := os.ReadFile(o.file)
	if err != nil {
		fmt.Fprintln(os.Stderr, "gen:", err)
		os.Exit(1)
	}
	src, err := generate(data, o)
	if err != nil {
		fmt.Fprintf(os.Stderr, "gen: %s: %v\n", o.file, err)
		os.Exit(1)
	}
	if out == "" {
		os.Stdout.Write(src)
		return
	}
	if err := os.WriteFile(out, src, 0o644); err != nil {
		fmt.Fprintln(os.Stderr, "gen:", err)
		os.Exit(1)
	}
}
