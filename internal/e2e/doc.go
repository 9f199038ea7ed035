// Package e2e runs tests against a real kube-apiserver and etcd on loopback, so that
// what kargo renders is validated by the server itself (field types, unknown fields
// under server-side apply, CRD schemas) rather than by a client-side approximation.
//
// The binaries are not built here: `make kas` (hack/kas/build.sh) builds them from the
// Go module proxy into a cache directory (the cold build takes ~12 minutes, longer than
// go test's default timeout), and `make e2e` runs these tests with KARGO_KAS_DIR set to
// it. Without KARGO_KAS_DIR the tests are skipped.
//
// StartAPIServer starts etcd and kube-apiserver on random free ports on 127.0.0.1 and
// returns a kubeconfig for an admin token. Everything listens on and connects to
// loopback only: admission webhooks are disabled (the server would otherwise call a
// webhook's Service at a cluster IP on every matching write), and nothing runs
// controllers, so there are no default ServiceAccounts, Namespaces are never finalized
// and Deployments never become Available. Privileged containers are allowed
// (--allow-privileged), as on any cluster that runs KubeVirt.
//
// ApplyStages is the documented apply procedure (README "Applying dist/ in stages",
// `make apply`): the platform tests synthesize dist/ from the fixture upstream and apply
// it with it. The CRDs that virt-operator and cdi-operator create at run time are in
// testdata/crds/, generated from the upstream Go API types by hack/crds/gen.sh.
package e2e
