// Package artifact fetches the upstream artifacts kargo renders (release manifests from
// http(s) URLs, Helm chart archives from chart repositories and OCI registries), verifies
// them against the sha256 digests recorded in kargo.lock, and keeps them in a
// content-addressed cache.
//
// The config names versions and the lock never chooses one: a lock entry records the
// resolved download URL and sha256 of the version the config names, like go.sum. A digest
// mismatch is a refusal. Options select the offline mode (no connection, ever), the locked
// mode (nothing unrecorded, for CI), URL mirrors for air-gapped sites and a vendor
// directory that serves every artifact without a network.
package artifact
