// Package namespace builds the Namespace objects modules own, with the Pod Security
// Admission labels that KubeVirt, the storage provisioners and node agents need (Talos
// enforces "baseline" by default; the original Kargo's refactor lost these labels).
package namespace

import (
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// Pod Security Admission label keys.
const (
	Enforce = "pod-security.kubernetes.io/enforce"
	Audit   = "pod-security.kubernetes.io/audit"
	Warn    = "pod-security.kubernetes.io/warn"
)

// New returns the Namespace name with labels; privileged adds the PSA labels that
// allow privileged pods (enforce, audit and warn all "privileged").
func New(name string, privileged bool, labels map[string]string) *corev1.Namespace {
	all := map[string]string{}
	for k, v := range labels {
		all[k] = v
	}
	if privileged {
		all[Enforce] = "privileged"
		all[Audit] = "privileged"
		all[Warn] = "privileged"
	}
	if len(all) == 0 {
		all = nil
	}
	return &corev1.Namespace{
		TypeMeta:   metav1.TypeMeta{APIVersion: "v1", Kind: "Namespace"},
		ObjectMeta: metav1.ObjectMeta{Name: name, Labels: all},
	}
}
