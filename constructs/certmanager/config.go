package certmanager

import (
	"fmt"
	"strings"

	"github.com/Masterminds/semver/v3"
	"k8s.io/apimachinery/pkg/api/resource"
	"k8s.io/apimachinery/pkg/util/validation"
	"k8s.io/apimachinery/pkg/util/validation/field"

	"github.com/kargo-platform/kargo/constructs/versions"
)

// Config is modules.cert_manager in kargo.config.yaml.
type Config struct {
	Enabled       bool           `json:"enabled" doc:"Build the cert_manager module: cert-manager from its Helm chart and a self-signed CA ClusterIssuer. Defaults to true."`
	Version       string         `json:"version" doc:"Version of the cert-manager Helm chart from https://charts.jetstack.io (the leading v of jetstack's versions is optional). Defaults to 1.15.3."`
	Namespace     string         `json:"namespace" doc:"Namespace the module creates and installs cert-manager into; the CA Certificate and its Secret live there too. Defaults to cert-manager."`
	SelfSignedCA  bool           `json:"self_signed_ca" doc:"Create the self-signed CA chain: the root ClusterIssuer cluster-selfsigned-issuer-root, the CA Certificate cluster-selfsigned-issuer-ca and the CA ClusterIssuer named by cluster_issuer. Defaults to true."`
	ClusterIssuer string         `json:"cluster_issuer" doc:"Name of the CA ClusterIssuer that signs with the self-signed CA; modules that need certificates reference it by this name (with self_signed_ca off, kargo does not create it). Defaults to cluster-selfsigned-issuer."`
	Resources     Resources      `json:"resources" doc:"Resources of the cert-manager controller container (the chart's top-level resources value)."`
	Values        map[string]any `json:"values" doc:"Helm values merged over the ones kargo sets (crds.enabled, replicaCount, resources), e.g. {replicaCount: 2}. Defaults to {} (none)."`
}

// Resources are the controller container's resource requests and limits.
type Resources struct {
	Requests Requests `json:"requests" doc:"Resources the controller container requests."`
	Limits   Limits   `json:"limits" doc:"Resource limits of the controller container."`
}

// Requests are the controller container's resource requests; an empty value is not
// requested.
type Requests struct {
	CPU    string `json:"cpu" doc:"CPU the controller requests, a Kubernetes quantity (quote numbers: \"1\"); empty requests none. Defaults to 250m."`
	Memory string `json:"memory" doc:"Memory the controller requests, a Kubernetes quantity; empty requests none. Defaults to 512Mi."`
}

// Limits are the controller container's resource limits; an empty value sets no limit.
type Limits struct {
	CPU    string `json:"cpu" doc:"CPU limit of the controller, a Kubernetes quantity (quote numbers: \"1\"); empty sets none. Defaults to 500m."`
	Memory string `json:"memory" doc:"Memory limit of the controller, a Kubernetes quantity; empty sets none. Defaults to 1024Mi."`
}

// Names of the self-signed CA chain. The CA ClusterIssuer's name is the cluster_issuer
// option.
const (
	// RootIssuer is the self-signed ClusterIssuer that issues the CA certificate.
	RootIssuer = "cluster-selfsigned-issuer-root"
	// CACertificate names the CA Certificate, its common name and its Secret.
	CACertificate = "cluster-selfsigned-issuer-ca"
	// DefaultClusterIssuer is the default name of the CA ClusterIssuer.
	DefaultClusterIssuer = "cluster-selfsigned-issuer"
)

// DefaultConfig returns the defaults of the cert_manager module: enabled, the pinned
// chart, and the self-signed CA chain.
func DefaultConfig() Config {
	return Config{
		Enabled:       true,
		Version:       versions.Of(moduleName),
		Namespace:     "cert-manager",
		SelfSignedCA:  true,
		ClusterIssuer: DefaultClusterIssuer,
		Resources: Resources{
			Requests: Requests{CPU: "250m", Memory: "512Mi"},
			Limits:   Limits{CPU: "500m", Memory: "1024Mi"},
		},
	}
}

// IsEnabled implements platform.Config.
func (c Config) IsEnabled() bool { return c.Enabled }

// Validate implements platform.Config: it returns every problem of the config, whether
// the module is enabled or not.
func (c Config) Validate(path *field.Path) field.ErrorList {
	var errs field.ErrorList
	if c.Version == "" {
		errs = append(errs, field.Required(path.Child("version"), "the cert-manager chart version, e.g. "+versions.Of(moduleName)))
	} else if _, err := semver.StrictNewVersion(strings.TrimPrefix(c.Version, "v")); err != nil {
		errs = append(errs, field.Invalid(path.Child("version"), c.Version, "must be a chart version such as "+versions.Of(moduleName)+" or v"+versions.Of(moduleName)))
	}
	if c.Namespace == "" {
		errs = append(errs, field.Required(path.Child("namespace"), "the namespace of cert-manager, e.g. cert-manager"))
	} else {
		for _, msg := range validation.IsDNS1123Label(c.Namespace) {
			errs = append(errs, field.Invalid(path.Child("namespace"), c.Namespace, msg))
		}
	}
	switch {
	case c.ClusterIssuer == "":
		errs = append(errs, field.Required(path.Child("cluster_issuer"), "the name of the CA ClusterIssuer, e.g. "+DefaultClusterIssuer))
	case c.SelfSignedCA && c.ClusterIssuer == RootIssuer:
		errs = append(errs, field.Invalid(path.Child("cluster_issuer"), c.ClusterIssuer, "is the name of the root ClusterIssuer of the self-signed CA chain: pick another name, e.g. "+DefaultClusterIssuer))
	default:
		for _, msg := range validation.IsDNS1123Subdomain(c.ClusterIssuer) {
			errs = append(errs, field.Invalid(path.Child("cluster_issuer"), c.ClusterIssuer, msg))
		}
	}
	errs = append(errs, c.Resources.validate(path.Child("resources"))...)
	return errs
}

// validate checks that every quantity parses and that no request exceeds its limit.
func (r Resources) validate(path *field.Path) field.ErrorList {
	var errs field.ErrorList
	pairs := []struct {
		name           string
		request, limit string
	}{
		{"cpu", r.Requests.CPU, r.Limits.CPU},
		{"memory", r.Requests.Memory, r.Limits.Memory},
	}
	for _, p := range pairs {
		req, reqErr := quantity(path.Child("requests", p.name), p.request)
		lim, limErr := quantity(path.Child("limits", p.name), p.limit)
		errs = append(errs, reqErr...)
		errs = append(errs, limErr...)
		if req != nil && lim != nil && req.Cmp(*lim) > 0 {
			errs = append(errs, field.Invalid(path.Child("requests", p.name), p.request,
				fmt.Sprintf("must be less than or equal to the %s limit (%s)", p.name, p.limit)))
		}
	}
	return errs
}

// quantity parses s; it returns nil for the empty string (not set).
func quantity(path *field.Path, s string) (*resource.Quantity, field.ErrorList) {
	if s == "" {
		return nil, nil
	}
	q, err := resource.ParseQuantity(s)
	if err != nil {
		return nil, field.ErrorList{field.Invalid(path, s, "must be a Kubernetes quantity such as 250m, 1, 512Mi or 1Gi")}
	}
	if q.Sign() < 0 {
		return nil, field.ErrorList{field.Invalid(path, s, "must not be negative")}
	}
	return &q, nil
}
