//go:build tools

// Package crds pins the generator and the upstream API packages the run-time-stage
// CRDs of the e2e tests are generated from (see gen.sh).
package crds

import (
	_ "kubevirt.io/api/core/v1"
	_ "kubevirt.io/api/pool/v1alpha1"
	_ "kubevirt.io/containerized-data-importer-api/pkg/apis/core/v1beta1"
	_ "sigs.k8s.io/controller-tools/cmd/controller-gen"
)
