package cdi

import (
	"context"
	"fmt"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/kargo-platform/kargo/constructs/images"
	"github.com/kargo-platform/kargo/constructs/platform"
	"github.com/kargo-platform/kargo/constructs/upstream"
	"github.com/kargo-platform/kargo/imports/cdi"
	"github.com/kargo-platform/kargo/internal/artifact"
	"github.com/kargo-platform/kargo/internal/manifest"
)

// Module is the cdi platform module.
var Module = platform.Definition[Config]{
	ModuleName:  "cdi",
	Description: "Containerized Data Importer: cdi-operator from the CDI release manifest and the CDI CR, for DataVolumes.",
	Default:     DefaultConfig,
	VersionOf:   func(c Config) string { return c.Version },
	Provides:    []string{cdi.APIVersion, cdi.APIVersion + "/CDI"},
	Images: []images.Rule{{
		Group: "apps", Kind: "Deployment", Name: OperatorName,
		Env: ImageEnv,
	}},
	ArtifactsOf: func(c Config) []artifact.Ref { return []artifact.Ref{c.Manifest()} },
	New:         New,
}

// Names of objects.
const (
	// Namespace is the namespace the release manifest creates and puts cdi-operator in;
	// cdi-operator installs the CDI components there too.
	Namespace = "cdi"
	// OperatorName is the cdi-operator Deployment of the release manifest.
	OperatorName = "cdi-operator"
	// CDIName is the CDI CR.
	CDIName = "cdi"
)

// ImageEnv are the env vars of cdi-operator that name the images of the CDI components.
var ImageEnv = []string{
	"CONTROLLER_IMAGE",
	"IMPORTER_IMAGE",
	"CLONER_IMAGE",
	"OVIRT_POPULATOR_IMAGE",
	"APISERVER_IMAGE",
	"UPLOAD_SERVER_IMAGE",
	"UPLOAD_PROXY_IMAGE",
}

// Manifest returns the release manifest the config deploys.
func (c Config) Manifest() artifact.Ref {
	return artifact.Ref{
		Name:    "cdi/cdi-operator.yaml",
		Kind:    artifact.Manifest,
		URL:     "https://github.com/kubevirt/containerized-data-importer/releases/download/v" + c.Version + "/cdi-operator.yaml",
		Version: c.Version,
	}
}

// New builds the cdi module's objects: the release manifest (with its cdi namespace)
// and the CDI CR.
func New(c *platform.Chart, cfg Config, env platform.Env) error {
	if !checksGates(cfg.Version) {
		for i, g := range cfg.FeatureGates {
			if !knownGates[g] {
				env.Warn("feature_gates[%d]: %q is not a feature gate of CDI 1.60 and kargo cannot check the gates of CDI %s: make sure the name is right", i, g, cfg.Version)
			}
		}
	}
	_, err := upstream.New(context.Background(), c, env, cfg.Manifest(),
		// The manifest must bring the namespace: kargo creates none for CDI.
		upstream.Patch{Selector: upstream.Selector{Kind: "Namespace", Name: Namespace}, Ops: []upstream.Op{upstream.Test("/metadata/name", Namespace)}},
		// Namespaced objects without a namespace get cdi; one in another namespace fails.
		upstream.SetNamespace{Namespace: Namespace, Scope: env.Scope},
	)
	if err != nil {
		return err
	}
	o, err := cdiCR(cfg)
	if err != nil {
		return err
	}
	return c.AddObject(o)
}

// cdiCR returns the CDI CR: components on Linux nodes, the infrastructure tolerating
// CriticalAddonsOnly taints, images pulled only when missing.
func cdiCR(cfg Config) (manifest.Object, error) {
	linux := map[string]string{corev1.LabelOSStable: "linux"}
	cr := &cdi.CDI{
		TypeMeta:   metav1.TypeMeta{APIVersion: cdi.APIVersion, Kind: "CDI"},
		ObjectMeta: metav1.ObjectMeta{Name: CDIName},
		Spec: cdi.CDISpec{
			ImagePullPolicy: corev1.PullIfNotPresent,
			Config:          &cdi.CDIConfigSpec{FeatureGates: cfg.FeatureGates},
		},
	}
	cr.Spec.Infra.NodeSelector = linux
	cr.Spec.Infra.Tolerations = []corev1.Toleration{{Key: "CriticalAddonsOnly", Operator: corev1.TolerationOpExists}}
	cr.Spec.Workloads.NodeSelector = linux
	o, err := manifest.FromTyped(cr)
	if err != nil {
		return nil, fmt.Errorf("modules.cdi: %w", err)
	}
	// The API writes an empty customizeComponents: leave it out, kargo customizes none.
	if spec, ok := o["spec"].(map[string]any); ok {
		if cc, ok := spec["customizeComponents"].(map[string]any); ok && len(cc) == 0 {
			delete(spec, "customizeComponents")
		}
	}
	return o, nil
}
