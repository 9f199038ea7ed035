package hostpathprovisioner

import (
	"path"
	"regexp"
	"strings"

	storagev1 "k8s.io/api/storage/v1"
	"k8s.io/apimachinery/pkg/util/validation"
	"k8s.io/apimachinery/pkg/util/validation/field"

	"github.com/kargo-platform/kargo/constructs/versions"
	"github.com/kargo-platform/kargo/internal/artifact"
)

// Config is modules.hostpath_provisioner in kargo.config.yaml.
type Config struct {
	Enabled             bool                        `json:"enabled" doc:"Build the hostpath_provisioner module: the hostpath-provisioner-operator and its webhook from the release manifests, the HostPathProvisioner CR and a StorageClass per storage pool. Needs the cert_manager module. Defaults to true."`
	Version             string                      `json:"version" doc:"hostpath-provisioner-operator release (without the leading v) whose webhook.yaml and operator.yaml are deployed. Defaults to 0.20.0."`
	StoragePools        []StoragePool               `json:"storage_pools" doc:"Storage pools of the HostPathProvisioner: directories on every node that volumes are created in, each with a StorageClass of the same name. Defaults to [{name: ssd, path: /var/mnt/hostpath-provisioner}]."`
	VolumeBindingMode   storagev1.VolumeBindingMode `json:"volume_binding_mode" doc:"volumeBindingMode of the StorageClasses: WaitForFirstConsumer creates a volume on the node its first pod is scheduled to, Immediate on any node at once. Defaults to WaitForFirstConsumer."`
	DefaultStorageClass bool                        `json:"default_storage_class" doc:"Annotate the StorageClass of the first storage pool as the cluster's default StorageClass. Defaults to true."`
}

// StoragePool is one entry of modules.hostpath_provisioner.storage_pools.
type StoragePool struct {
	Name string `json:"name" doc:"Name of the pool and of its StorageClass (the StorageClass's parameters.storagePool): a DNS-1123 label. Required; no default."`
	Path string `json:"path" doc:"Absolute, clean path of the pool's directory on every node, e.g. /var/mnt/hostpath-provisioner (on Talos, a directory under /var). Required; no default."`
}

// DefaultConfig returns the defaults of the hostpath_provisioner module: enabled, the
// operator versions.Of("hostpath_provisioner"), one pool ssd at
// /var/mnt/hostpath-provisioner, WaitForFirstConsumer binding, the default
// StorageClass.
func DefaultConfig() Config {
	return Config{
		Enabled:             true,
		Version:             versions.Of("hostpath_provisioner"),
		StoragePools:        []StoragePool{{Name: "ssd", Path: "/var/mnt/hostpath-provisioner"}},
		VolumeBindingMode:   storagev1.VolumeBindingWaitForFirstConsumer,
		DefaultStorageClass: true,
	}
}

// IsEnabled implements platform.Config.
func (c Config) IsEnabled() bool { return c.Enabled }

// releaseURL is where the release assets of a version are.
func releaseURL(version string) string {
	return "https://github.com/kubevirt/hostpath-provisioner-operator/releases/download/v" + version + "/"
}

// Webhook is the release's webhook manifest.
func (c Config) Webhook() artifact.Ref {
	return artifact.Ref{Name: "hostpath_provisioner/webhook.yaml", Kind: artifact.Manifest, URL: releaseURL(c.Version) + "webhook.yaml", Version: c.Version}
}

// Operator is the release's operator manifest.
func (c Config) Operator() artifact.Ref {
	return artifact.Ref{Name: "hostpath_provisioner/operator.yaml", Kind: artifact.Manifest, URL: releaseURL(c.Version) + "operator.yaml", Version: c.Version}
}

var versionRE = regexp.MustCompile(`^[0-9]+\.[0-9]+\.[0-9]+(-[0-9A-Za-z.-]+)?$`)

// bindingModes are the values of volume_binding_mode.
var bindingModes = []storagev1.VolumeBindingMode{storagev1.VolumeBindingWaitForFirstConsumer, storagev1.VolumeBindingImmediate}

// Validate implements platform.Config: it returns every problem of the config, also
// when the module is disabled.
func (c Config) Validate(p *field.Path) field.ErrorList {
	var errs field.ErrorList
	switch v := c.Version; {
	case v == "":
		errs = append(errs, field.Required(p.Child("version"), "a hostpath-provisioner-operator release such as "+versions.Of("hostpath_provisioner")))
	case strings.HasPrefix(v, "v") && versionRE.MatchString(v[1:]):
		errs = append(errs, field.Invalid(p.Child("version"), v, "write the version without the leading v: "+v[1:]))
	case !versionRE.MatchString(v):
		errs = append(errs, field.Invalid(p.Child("version"), v, "must be a release version such as "+versions.Of("hostpath_provisioner")))
	}
	pools := p.Child("storage_pools")
	if len(c.StoragePools) == 0 {
		errs = append(errs, field.Required(pools, "at least one storage pool, e.g. [{name: ssd, path: /var/mnt/hostpath-provisioner}]"))
	}
	seen := map[string]bool{}
	for i, pool := range c.StoragePools {
		pp := pools.Index(i)
		switch {
		case pool.Name == "":
			errs = append(errs, field.Required(pp.Child("name"), "the name of the pool and of its StorageClass, e.g. ssd"))
		case seen[pool.Name]:
			errs = append(errs, field.Duplicate(pp.Child("name"), pool.Name))
		default:
			for _, msg := range validation.IsDNS1123Label(pool.Name) {
				errs = append(errs, field.Invalid(pp.Child("name"), pool.Name, msg+" (it names the StorageClass)"))
			}
		}
		seen[pool.Name] = true
		switch {
		case pool.Path == "":
			errs = append(errs, field.Required(pp.Child("path"), "the directory of the pool on every node, e.g. /var/mnt/hostpath-provisioner"))
		case !path.IsAbs(pool.Path):
			errs = append(errs, field.Invalid(pp.Child("path"), pool.Path, "must be an absolute path, e.g. /var/mnt/hostpath-provisioner"))
		case path.Clean(pool.Path) != pool.Path:
			errs = append(errs, field.Invalid(pp.Child("path"), pool.Path, "must be a clean path: "+path.Clean(pool.Path)))
		case pool.Path == "/":
			errs = append(errs, field.Invalid(pp.Child("path"), pool.Path, "must not be the root directory: use a directory of its own, e.g. /var/mnt/hostpath-provisioner"))
		}
	}
	switch c.VolumeBindingMode {
	case storagev1.VolumeBindingWaitForFirstConsumer, storagev1.VolumeBindingImmediate:
	default:
		errs = append(errs, field.NotSupported(p.Child("volume_binding_mode"), c.VolumeBindingMode, bindingModes))
	}
	return errs
}
