#!/usr/bin/env bash
# Builds kube-apiserver and etcd from this tools module into a cache directory
# keyed by the sha256 of go.sum, and prints that directory. A second run with
# both binaries present builds nothing. The cold build takes 6-12 minutes and
# ~2 GB of memory (the kube-apiserver link); the e2e tests (internal/e2e) find
# the binaries through KARGO_KAS_DIR, which `make e2e` sets to this directory.
set -euo pipefail

cd "$(dirname "$0")"
GO=${GO:-go}
K8S_VERSION=v1.33.13
key=$(sha256sum go.sum | cut -c1-16)
dir=${XDG_CACHE_HOME:-$HOME/.cache}/kargo-kas/$key

if [[ -x $dir/kube-apiserver && -x $dir/etcd ]]; then
	echo "$dir"
	exit 0
fi

mkdir -p "$dir"
ldflags="-s -w -X k8s.io/component-base/version.gitVersion=$K8S_VERSION"
ldflags+=" -X k8s.io/component-base/version.gitMajor=1 -X k8s.io/component-base/version.gitMinor=33"
# Build into temporary names and rename, so an interrupted build is never
# mistaken for a cached one.
echo "building kube-apiserver $K8S_VERSION into $dir (cold: 6-12 minutes)" >&2
"$GO" build -trimpath -ldflags "$ldflags" -o "$dir/kube-apiserver.tmp" k8s.io/kubernetes/cmd/kube-apiserver
echo "building etcd into $dir" >&2
"$GO" build -trimpath -ldflags "-s -w" -o "$dir/etcd.tmp" go.etcd.io/etcd/server/v3
mv "$dir/kube-apiserver.tmp" "$dir/kube-apiserver"
mv "$dir/etcd.tmp" "$dir/etcd"
echo "$dir"
