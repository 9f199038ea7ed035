package platform

import (
	"context"

	"github.com/kargo-platform/kargo/internal/artifact"
)

// Distribution is the Kubernetes distribution the platform targets.
type Distribution string

// The supported distributions.
const (
	Talos   Distribution = "talos"
	Kind    Distribution = "kind"
	Generic Distribution = "generic"
)

// Distributions lists the supported distributions.
var Distributions = []Distribution{Talos, Kind, Generic}

// Kubernetes is the cluster the output targets.
type Kubernetes struct {
	// Version is the Kubernetes minor version ("1.30").
	Version string `json:"version" doc:"Kubernetes version of the target cluster (major.minor), used for Helm .Capabilities."`
	// Distribution is talos, kind or generic.
	Distribution Distribution `json:"distribution" doc:"Kubernetes distribution: talos, kind or generic. Some modules change with it."`
}

// Env is what a module may know about the rest of the platform while it builds.
type Env struct {
	Kubernetes Kubernetes
	// Enabled reports whether another module is enabled.
	Enabled func(module string) bool
	// Warn reports a finding that does not stop the synth.
	Warn func(format string, args ...any)
	// Artifacts serves the upstream artifacts the module declared (verified against
	// kargo.lock).
	Artifacts Fetcher
	// APIVersions are the custom APIs of the enabled modules, for Helm's
	// .Capabilities.APIVersions.
	APIVersions []string
	// Scope tells whether a kind is namespaced; known is false for a kind kargo cannot
	// place (not built in, no CRD kargo knows).
	Scope func(group, kind string) (namespaced, known bool)
}

// Fetcher serves upstream artifacts.
type Fetcher interface {
	Fetch(ctx context.Context, ref artifact.Ref) (artifact.Artifact, error)
}
