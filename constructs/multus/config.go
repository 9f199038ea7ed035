package multus

import (
	"fmt"
	"regexp"
	"strings"
	"unicode"

	"github.com/kargo-platform/kargo/constructs/platform"

	"k8s.io/apimachinery/pkg/util/validation"
	"k8s.io/apimachinery/pkg/util/validation/field"

	"github.com/kargo-platform/kargo/constructs/versions"
	"github.com/kargo-platform/kargo/internal/artifact"
)

// Config is modules.multus in kargo.config.yaml.
type Config struct {
	Enabled         bool   `json:"enabled" doc:"Build the multus module: the Multus CNI thick plugin from its release manifest in kube-system, and a bridge NetworkAttachmentDefinition. Defaults to true."`
	Version         string `json:"version" doc:"Multus CNI release (without the leading v) whose deployments/multus-daemonset-thick.yml is deployed. Defaults to 4.3.0."`
	Image           string `json:"image" doc:"Image of the Multus DaemonSet's container and init container, replacing the manifest's moving snapshot-thick tag; change it with version. Defaults to ghcr.io/k8snetworkplumbingwg/multus-cni:v4.3.0-thick."`
	TalosTransforms Toggle `json:"talos_transforms" doc:"Change the Multus DaemonSet for Talos (resources, a multus-shim copy that tolerates a busy file, /var/run/netns, an install-cni init container with the reference CNI plugins): auto (on when kubernetes.distribution is talos), on or off. Defaults to auto."`
	BridgeName      string `json:"bridge_name" doc:"Name of the NetworkAttachmentDefinition and of the Linux bridge on every node it attaches pods and VMs to: a Linux interface name (1-15 characters) that is also a DNS-1123 subdomain. Defaults to br0."`
	Namespace       string `json:"namespace" doc:"Namespace of the NetworkAttachmentDefinition; it must exist. Defaults to default."`
}

// Toggle is platform.Toggle: auto, on or off.
type Toggle = platform.Toggle

// The values of a Toggle.
const (
	Auto = platform.Auto
	On   = platform.On
	Off  = platform.Off
)

// imageRepository is the repository of the Multus images, in the manifest and in the
// default image.
const imageRepository = "ghcr.io/k8snetworkplumbingwg/multus-cni"

// releaseImage is the Multus thick-plugin image of a release: multus-cni publishes
// v<version>-thick next to the moving snapshot-thick the manifest names.
func releaseImage(version string) string {
	return imageRepository + ":v" + version + "-thick"
}

// DefaultConfig returns the defaults of the multus module: enabled, Multus
// versions.Of("multus") with that release's image, the Talos changes on Talos only, and
// the NetworkAttachmentDefinition br0 in the default namespace.
func DefaultConfig() Config {
	return Config{
		Enabled:         true,
		Version:         versions.Of("multus"),
		Image:           releaseImage(versions.Of("multus")),
		TalosTransforms: Auto,
		BridgeName:      "br0",
		Namespace:       "default",
	}
}

// IsEnabled implements platform.Config.
func (c Config) IsEnabled() bool { return c.Enabled }

// Manifest is the release manifest the config deploys.
func (c Config) Manifest() artifact.Ref {
	return artifact.Ref{
		Name:    "multus/multus-daemonset-thick.yml",
		Kind:    artifact.Manifest,
		URL:     "https://raw.githubusercontent.com/k8snetworkplumbingwg/multus-cni/v" + c.Version + "/deployments/multus-daemonset-thick.yml",
		Version: c.Version,
	}
}

var versionRE = regexp.MustCompile(`^[0-9]+\.[0-9]+\.[0-9]+(-[0-9A-Za-z.-]+)?$`)

// Validate implements platform.Config: it returns every problem of the config, also
// when the module is disabled.
func (c Config) Validate(path *field.Path) field.ErrorList {
	var errs field.ErrorList
	errs = append(errs, validateVersion(path.Child("version"), c.Version)...)
	errs = append(errs, validateImage(path.Child("image"), c.Image)...)
	switch c.TalosTransforms {
	case Auto, On, Off:
	default:
		errs = append(errs, field.NotSupported(path.Child("talos_transforms"), c.TalosTransforms, []Toggle{Auto, On, Off}))
	}
	errs = append(errs, validateBridgeName(path.Child("bridge_name"), c.BridgeName)...)
	switch {
	case c.Namespace == "":
		errs = append(errs, field.Required(path.Child("namespace"), "the namespace of the NetworkAttachmentDefinition, e.g. default"))
	default:
		for _, msg := range validation.IsDNS1123Label(c.Namespace) {
			errs = append(errs, field.Invalid(path.Child("namespace"), c.Namespace, msg))
		}
	}
	return errs
}

func validateVersion(path *field.Path, v string) field.ErrorList {
	switch {
	case v == "":
		return field.ErrorList{field.Required(path, "a Multus CNI release such as "+versions.Of("multus"))}
	case strings.HasPrefix(v, "v") && versionRE.MatchString(v[1:]):
		return field.ErrorList{field.Invalid(path, v, "write the version without the leading v: "+v[1:])}
	case !versionRE.MatchString(v):
		return field.ErrorList{field.Invalid(path, v, "must be a release version such as "+versions.Of("multus"))}
	}
	return nil
}

func validateImage(path *field.Path, image string) field.ErrorList {
	switch {
	case image == "":
		return field.ErrorList{field.Required(path, "an image reference such as "+releaseImage(versions.Of("multus")))}
	case strings.ContainsAny(image, " \t\r\n"):
		return field.ErrorList{field.Invalid(path, image, "must not contain white space")}
	case strings.Contains(image, "://"):
		return field.ErrorList{field.Invalid(path, image, "must be an image reference without a scheme, such as "+releaseImage(versions.Of("multus")))}
	}
	return nil
}

// maxInterfaceName is the longest Linux network interface name: IFNAMSIZ (16) bytes
// with the terminating NUL.
const maxInterfaceName = 15

// validateBridgeName checks that name can be both a Linux interface name and the name of
// the NetworkAttachmentDefinition. The kernel's rule (dev_valid_name in
// net/core/dev.c): 1 to 15 bytes, not "." or "..", no '/', no ':' and no white space.
// The object name must be a DNS-1123 subdomain: lower-case letters, digits, '-' and '.',
// starting and ending with a letter or digit. Each rule is reported on its own.
func validateBridgeName(path *field.Path, name string) field.ErrorList {
	if name == "" {
		return field.ErrorList{field.Required(path, "the name of the Linux bridge on the nodes, e.g. br0")}
	}
	var errs field.ErrorList
	if msg := checkInterfaceName(name); msg != "" {
		errs = append(errs, field.Invalid(path, name, "must be a Linux interface name: "+msg))
	}
	for _, msg := range validation.IsDNS1123Subdomain(name) {
		errs = append(errs, field.Invalid(path, name, msg+" (it names the NetworkAttachmentDefinition)"))
	}
	return errs
}

// checkInterfaceName returns what is wrong with name as a Linux interface name, or ""
// when nothing is.
func checkInterfaceName(name string) string {
	switch {
	case len(name) > maxInterfaceName:
		return fmt.Sprintf("at most %d characters, not %d", maxInterfaceName, len(name))
	case name == "." || name == "..":
		return `"." and ".." are not allowed`
	case strings.ContainsAny(name, "/:"):
		return `'/' and ':' are not allowed`
	case strings.IndexFunc(name, unicode.IsSpace) >= 0:
		return "white space is not allowed"
	}
	return ""
}
