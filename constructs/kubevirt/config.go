package kubevirt

import (
	"regexp"
	"strings"

	"k8s.io/apimachinery/pkg/util/validation"
	"k8s.io/apimachinery/pkg/util/validation/field"

	"github.com/kargo-platform/kargo/constructs/platform"
	"github.com/kargo-platform/kargo/constructs/versions"
)

// Config is modules.kubevirt in kargo.config.yaml.
type Config struct {
	Enabled        bool            `json:"enabled" doc:"Build the kubevirt module: virt-operator from the KubeVirt release manifest, its namespace and the KubeVirt CR. Defaults to true."`
	Version        string          `json:"version" doc:"KubeVirt release (without the leading v) whose kubevirt-operator.yaml is deployed; also the SMBIOS version of every VM. Defaults to 1.3.1."`
	Namespace      string          `json:"namespace" doc:"Namespace kargo creates (Pod Security privileged) for virt-operator, the KubeVirt CR, the KubeVirt components and the disable-selinux DaemonSet. Defaults to kubevirt."`
	UseEmulation   bool            `json:"use_emulation" doc:"Run VMs with software emulation instead of KVM, for nodes without hardware virtualization (slow); always on when kubernetes.distribution is kind, whatever this says. Defaults to false."`
	FeatureGates   []string        `json:"feature_gates" doc:"KubeVirt feature gates to enable; with a 1.3.x version each must be a gate KubeVirt 1.3 knows. Defaults to [HostDevices, ExpandDisks, AutoResourceLimitsGate, NetworkBindingPlugins, LiveMigration]."`
	PCIHostDevices []PCIHostDevice `json:"pci_host_devices" doc:"PCI devices of the nodes that VMs may be given (permittedHostDevices.pciHostDevices); needs the HostDevices feature gate. Defaults to [] (none)."`
	DisableSELinux Toggle          `json:"disable_selinux" doc:"Run the disable-selinux DaemonSet, which mounts an empty tmpfs over /sys/fs/selinux on every node so that KubeVirt sees SELinux as off: auto (on when kubernetes.distribution is talos), on or off. Defaults to auto."`
}

// PCIHostDevice is one entry of modules.kubevirt.pci_host_devices.
type PCIHostDevice struct {
	PCIVendorSelector        string `json:"pci_vendor_selector" doc:"vendor:device ID pair of the PCI device as lspci -nn shows it, e.g. 10de:1eb8. Required; no default."`
	ResourceName             string `json:"resource_name" doc:"Resource name VMs request the device by, <vendor domain>/<name>, e.g. nvidia.com/TU104GL_Tesla_T4. Required; no default."`
	ExternalResourceProvider bool   `json:"external_resource_provider" doc:"A device plugin of the vendor allocates the device, not KubeVirt. Defaults to false."`
}

// Toggle is platform.Toggle: auto, on or off.
type Toggle = platform.Toggle

// The values of a Toggle.
const (
	Auto = platform.Auto
	On   = platform.On
	Off  = platform.Off
)

// DefaultFeatureGates are the feature gates enabled by default.
var DefaultFeatureGates = []string{"HostDevices", "ExpandDisks", "AutoResourceLimitsGate", "NetworkBindingPlugins", "LiveMigration"}

// DefaultConfig returns the defaults of the kubevirt module: enabled, KubeVirt
// versions.Of("kubevirt") in namespace kubevirt, KVM (emulation only on kind), the
// disable-selinux DaemonSet only on Talos.
func DefaultConfig() Config {
	return Config{
		Enabled:        true,
		Version:        versions.Of("kubevirt"),
		Namespace:      "kubevirt",
		FeatureGates:   append([]string(nil), DefaultFeatureGates...),
		PCIHostDevices: []PCIHostDevice{},
		DisableSELinux: Auto,
	}
}

// IsEnabled implements platform.Config.
func (c Config) IsEnabled() bool { return c.Enabled }

// resolved is the config with every automatic value decided for one target cluster.
type resolved struct {
	// useEmulation is use_emulation, forced on for kind (its nodes are containers
	// without /dev/kvm).
	useEmulation bool
	// disableSELinux is disable_selinux, auto being on for Talos.
	disableSELinux bool
}

// resolve decides the automatic values of c for the cluster k.
func (c Config) resolve(k platform.Kubernetes) resolved {
	return resolved{
		useEmulation:   c.UseEmulation || k.Distribution == platform.Kind,
		disableSELinux: c.DisableSELinux.Resolve(k.Distribution == platform.Talos),
	}
}

var (
	versionRE = regexp.MustCompile(`^[0-9]+\.[0-9]+\.[0-9]+(-[0-9A-Za-z.-]+)?$`)
	// pciVendorRE is KubeVirt's format of pciVendorSelector: vendor:device in hex.
	pciVendorRE = regexp.MustCompile(`^[0-9a-fA-F]{4}:[0-9a-fA-F]{4}$`)
)

// systemNamespaces are namespaces the cluster creates itself: kargo would take over
// their Namespace object.
var systemNamespaces = map[string]bool{"default": true, "kube-system": true, "kube-public": true, "kube-node-lease": true}

// Validate implements platform.Config: it returns every problem of the config, also
// when the module is disabled.
func (c Config) Validate(path *field.Path) field.ErrorList {
	var errs field.ErrorList
	errs = append(errs, validateVersion(path.Child("version"), c.Version)...)
	switch {
	case c.Namespace == "":
		errs = append(errs, field.Required(path.Child("namespace"), "the namespace of KubeVirt, e.g. kubevirt"))
	case systemNamespaces[c.Namespace]:
		errs = append(errs, field.Invalid(path.Child("namespace"), c.Namespace, "must not be a namespace Kubernetes creates itself: kargo owns the Namespace object and labels it privileged; use e.g. kubevirt"))
	default:
		for _, msg := range validation.IsDNS1123Label(c.Namespace) {
			errs = append(errs, field.Invalid(path.Child("namespace"), c.Namespace, msg))
		}
	}
	errs = append(errs, c.validateGates(path.Child("feature_gates"))...)
	seen := map[string]bool{}
	for i, d := range c.PCIHostDevices {
		p := path.Child("pci_host_devices").Index(i)
		switch {
		case d.PCIVendorSelector == "":
			errs = append(errs, field.Required(p.Child("pci_vendor_selector"), "the vendor:device ID pair of the device, e.g. 10de:1eb8 (lspci -nn shows it)"))
		case !pciVendorRE.MatchString(d.PCIVendorSelector):
			errs = append(errs, field.Invalid(p.Child("pci_vendor_selector"), d.PCIVendorSelector, "must be a vendor:device ID pair of 4 hex digits each, e.g. 10de:1eb8 (lspci -nn shows it)"))
		}
		switch {
		case d.ResourceName == "":
			errs = append(errs, field.Required(p.Child("resource_name"), "the resource name VMs request the device by, e.g. nvidia.com/TU104GL_Tesla_T4"))
		case !strings.Contains(d.ResourceName, "/") || len(validation.IsQualifiedName(d.ResourceName)) > 0:
			errs = append(errs, field.Invalid(p.Child("resource_name"), d.ResourceName, "must be <vendor domain>/<name>, e.g. nvidia.com/TU104GL_Tesla_T4"))
		case seen[d.ResourceName]:
			errs = append(errs, field.Duplicate(p.Child("resource_name"), d.ResourceName))
		}
		seen[d.ResourceName] = true
	}
	if len(c.PCIHostDevices) > 0 && !contains(c.FeatureGates, "HostDevices") {
		errs = append(errs, field.Forbidden(path.Child("pci_host_devices"), "KubeVirt ignores permitted host devices without the HostDevices feature gate: add HostDevices to feature_gates"))
	}
	switch c.DisableSELinux {
	case Auto, On, Off:
	default:
		errs = append(errs, field.NotSupported(path.Child("disable_selinux"), c.DisableSELinux, []Toggle{Auto, On, Off}))
	}
	return errs
}

func validateVersion(path *field.Path, v string) field.ErrorList {
	switch {
	case v == "":
		return field.ErrorList{field.Required(path, "a KubeVirt release such as "+versions.Of("kubevirt"))}
	case strings.HasPrefix(v, "v") && versionRE.MatchString(v[1:]):
		return field.ErrorList{field.Invalid(path, v, "write the version without the leading v: "+v[1:])}
	case !versionRE.MatchString(v):
		return field.ErrorList{field.Invalid(path, v, "must be a release version such as "+versions.Of("kubevirt"))}
	}
	return nil
}

// validateGates checks the feature gates: none empty, none twice and, for a 1.3.x
// version, each one KubeVirt 1.3 knows.
func (c Config) validateGates(path *field.Path) field.ErrorList {
	var errs field.ErrorList
	seen := map[string]bool{}
	strict := checksGates(c.Version)
	for i, g := range c.FeatureGates {
		p := path.Index(i)
		switch {
		case strings.TrimSpace(g) == "":
			errs = append(errs, field.Required(p, "a feature gate name such as HostDevices"))
		case seen[g]:
			errs = append(errs, field.Duplicate(p, g))
		case strict && !knownGates[g]:
			errs = append(errs, field.Invalid(p, g, unknownGate(g)))
		}
		seen[g] = true
	}
	return errs
}

func contains(list []string, s string) bool {
	for _, e := range list {
		if e == s {
			return true
		}
	}
	return false
}
