package certmanager

import (
	"context"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/kargo-platform/kargo/constructs/helmchart"
	"github.com/kargo-platform/kargo/constructs/images"
	"github.com/kargo-platform/kargo/constructs/namespace"
	"github.com/kargo-platform/kargo/constructs/platform"
	"github.com/kargo-platform/kargo/imports/certmanager"
	"github.com/kargo-platform/kargo/internal/artifact"
)

const moduleName = "cert_manager"

// The chart and its release.
const (
	// Repository is jetstack's chart repository.
	Repository = "https://charts.jetstack.io"
	// ChartName is the chart's name in the repository.
	ChartName = "cert-manager"
	// Release is the Helm release name; it prefixes the chart's object names
	// (cert-manager, cert-manager-webhook, cert-manager-cainjector).
	Release = "cert-manager"
)

// Module is the cert_manager platform module.
var Module = platform.Definition[Config]{
	ModuleName:  moduleName,
	Description: "cert-manager from its Helm chart, with a self-signed CA ClusterIssuer other modules issue certificates from.",
	Provides: []string{
		certmanager.APIVersion,
		certmanager.APIVersion + "/" + certmanager.KindCertificate,
		certmanager.APIVersion + "/" + certmanager.KindCertificateRequest,
		certmanager.APIVersion + "/" + certmanager.KindIssuer,
		certmanager.APIVersion + "/" + certmanager.KindClusterIssuer,
		certmanager.ACMEAPIVersion,
		certmanager.ACMEAPIVersion + "/" + certmanager.KindOrder,
		certmanager.ACMEAPIVersion + "/" + certmanager.KindChallenge,
	},
	// The controller runs the ACME HTTP-01 solver image it names in its args.
	Images: []images.Rule{
		{Group: "apps", Kind: "Deployment", Args: []string{"--acme-http01-solver-image="}},
	},
	Default:     DefaultConfig,
	VersionOf:   func(c Config) string { return c.Version },
	ArtifactsOf: func(c Config) []artifact.Ref { return []artifact.Ref{chartRef(c)} },
	New:         New,
}

// chartRef is the cert-manager chart at the configured version.
func chartRef(cfg Config) artifact.Ref {
	return artifact.Ref{
		Name:    moduleName + "/" + ChartName,
		Kind:    artifact.Chart,
		URL:     Repository,
		Chart:   ChartName,
		Version: cfg.Version,
	}
}

// New builds the cert_manager module's objects: the namespace, the rendered chart and,
// when self_signed_ca is on, the self-signed CA chain.
func New(c *platform.Chart, cfg Config, env platform.Env) error {
	if err := c.Add(namespace.New(cfg.Namespace, false, nil)); err != nil {
		return err
	}
	_, err := helmchart.New(context.Background(), c, env, helmchart.Spec{
		Chart:      chartRef(cfg),
		Release:    Release,
		Namespace:  cfg.Namespace,
		Values:     chartValues(cfg),
		UserValues: cfg.Values,
	})
	if err != nil {
		return err
	}
	if !cfg.SelfSignedCA {
		return nil
	}
	for _, obj := range caChain(cfg) {
		if err := c.Add(obj); err != nil {
			return err
		}
	}
	return nil
}

// chartValues are the chart values the config sets: the chart installs its CRDs, one
// controller replica, and the controller's resources.
func chartValues(cfg Config) map[string]any {
	return map[string]any{
		"crds":         map[string]any{"enabled": true},
		"replicaCount": 1,
		"resources":    resourceValues(cfg.Resources),
	}
}

// resourceValues is the container resources value; unset quantities are left out.
func resourceValues(r Resources) map[string]any {
	out := map[string]any{}
	add := func(key, cpu, memory string) {
		m := map[string]any{}
		if cpu != "" {
			m["cpu"] = cpu
		}
		if memory != "" {
			m["memory"] = memory
		}
		if len(m) > 0 {
			out[key] = m
		}
	}
	add("requests", r.Requests.CPU, r.Requests.Memory)
	add("limits", r.Limits.CPU, r.Limits.Memory)
	return out
}

// CA certificate lifetime: 90 days, renewed 15 days before it expires.
const (
	caDuration    = 2160 * time.Hour
	caRenewBefore = 360 * time.Hour
)

// caChain returns the self-signed CA chain: the self-signed root ClusterIssuer
// (cluster-scoped, so without a namespace), the CA Certificate it issues in the module
// namespace, and the CA ClusterIssuer that signs with the Certificate's Secret (which
// cert-manager finds in its own namespace, the cluster resource namespace).
func caChain(cfg Config) []any {
	root := &certmanager.ClusterIssuer{
		TypeMeta:   metav1.TypeMeta{APIVersion: certmanager.APIVersion, Kind: certmanager.KindClusterIssuer},
		ObjectMeta: metav1.ObjectMeta{Name: RootIssuer},
		Spec: certmanager.IssuerSpec{IssuerConfig: certmanager.IssuerConfig{
			SelfSigned: &certmanager.SelfSignedIssuer{},
		}},
	}
	ca := &certmanager.Certificate{
		TypeMeta:   metav1.TypeMeta{APIVersion: certmanager.APIVersion, Kind: certmanager.KindCertificate},
		ObjectMeta: metav1.ObjectMeta{Name: CACertificate, Namespace: cfg.Namespace},
		Spec: certmanager.CertificateSpec{
			IsCA:        true,
			CommonName:  CACertificate,
			SecretName:  CACertificate,
			Duration:    &metav1.Duration{Duration: caDuration},
			RenewBefore: &metav1.Duration{Duration: caRenewBefore},
			PrivateKey: &certmanager.CertificatePrivateKey{
				Algorithm: certmanager.ECDSAKeyAlgorithm,
				Size:      256,
			},
			IssuerRef: certmanager.ObjectReference{
				Name:  RootIssuer,
				Kind:  certmanager.KindClusterIssuer,
				Group: certmanager.Group,
			},
		},
	}
	issuer := &certmanager.ClusterIssuer{
		TypeMeta:   metav1.TypeMeta{APIVersion: certmanager.APIVersion, Kind: certmanager.KindClusterIssuer},
		ObjectMeta: metav1.ObjectMeta{Name: cfg.ClusterIssuer},
		Spec: certmanager.IssuerSpec{IssuerConfig: certmanager.IssuerConfig{
			CA: &certmanager.CAIssuer{SecretName: CACertificate},
		}},
	}
	return []any{root, ca, issuer}
}
