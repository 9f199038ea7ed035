//go:build tools

// Package kas pins the main packages build.sh compiles, so go mod tidy keeps
// their dependencies in this module.
package kas

import (
	_ "go.etcd.io/etcd/server/v3"
	_ "k8s.io/kubernetes/cmd/kube-apiserver"
)
