// Package certmanager is the cert_manager platform module: cert-manager from jetstack's
// Helm chart, rendered in-process with its CustomResourceDefinitions, and a self-signed
// CA chain — a self-signed root ClusterIssuer, a CA Certificate it issues and a CA
// ClusterIssuer that signs with it — that other modules reference by name.
//
// The chart's CRDs go to the CRD stage of dist/, its workloads to the cluster stage, and
// the ClusterIssuers and the Certificate, whose CRDs ship with the chart, to the
// resources stage after them.
package certmanager
