package main

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing/fstest"

	"sigs.k8s.io/yaml"

	"github.com/kargo-platform/kargo/internal/fixture"
)

// smallChart is a chart of count small objects, a quarter each of ConfigMap, Service,
// ServiceAccount and Deployment (~1.25 KB each), like workload W of field-notes.md.
var smallChart = fstest.MapFS{
	"small/Chart.yaml":  {Data: []byte("apiVersion: v2\nname: small\nversion: 1.0.0\n")},
	"small/values.yaml": {Data: []byte("count: 1000\n")},
	"small/templates/objects.yaml": {Data: []byte(`{{- range $i := until (int (div .Values.count 4)) }}
---
apiVersion: v1
kind: ConfigMap
metadata:
  name: cm-{{ $i }}
  labels: {app.kubernetes.io/name: small, app.kubernetes.io/instance: small-{{ $i }}, tier: backend}
data:
  settings.yaml: |
    server:
      port: 8080
      threads: 4
      log-level: info
    cache:
      size: 512Mi
      ttl: 300s
  feature-flags: "alpha,beta,gamma"
  owner: platform-team@example.com
  description: "A small generated configuration object used to measure per-object cost in kargo synth."
---
apiVersion: v1
kind: Service
metadata:
  name: svc-{{ $i }}
  labels: {app.kubernetes.io/name: small, app.kubernetes.io/instance: small-{{ $i }}}
  annotations: {prometheus.io/scrape: "true", prometheus.io/port: "9090"}
spec:
  type: ClusterIP
  selector: {app.kubernetes.io/name: small, app.kubernetes.io/instance: small-{{ $i }}}
  ports:
    - {name: http, port: 80, targetPort: 8080, protocol: TCP}
    - {name: metrics, port: 9090, targetPort: 9090, protocol: TCP}
---
apiVersion: v1
kind: ServiceAccount
metadata:
  name: sa-{{ $i }}
  labels: {app.kubernetes.io/name: small, app.kubernetes.io/instance: small-{{ $i }}}
  annotations: {description: "Service account of generated workload {{ $i }} for the kargo benchmark."}
automountServiceAccountToken: false
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: deploy-{{ $i }}
  labels: {app.kubernetes.io/name: small, app.kubernetes.io/instance: small-{{ $i }}}
spec:
  replicas: 2
  selector:
    matchLabels: {app.kubernetes.io/name: small, app.kubernetes.io/instance: small-{{ $i }}}
  template:
    metadata:
      labels: {app.kubernetes.io/name: small, app.kubernetes.io/instance: small-{{ $i }}}
    spec:
      serviceAccountName: sa-{{ $i }}
      containers:
        - name: app
          image: registry.example/small:1.0
          args: ["--port=8080", "--metrics-port=9090"]
          ports: [{containerPort: 8080, name: http}, {containerPort: 9090, name: metrics}]
          resources: {requests: {cpu: 10m, memory: 32Mi}, limits: {cpu: 100m, memory: 64Mi}}
          readinessProbe: {httpGet: {path: /healthz, port: http}, periodSeconds: 10}
{{- end }}
`)},
}

// largeCRDs are the real large CRDs of ../shared/upstream, relative to it.
var largeCRDs = []string{
	"prometheus-operator/v0.76.1/monitoring.coreos.com_alertmanagerconfigs.yaml",
	"prometheus-operator/v0.76.1/monitoring.coreos.com_alertmanagers.yaml",
	"prometheus-operator/v0.76.1/monitoring.coreos.com_podmonitors.yaml",
	"prometheus-operator/v0.76.1/monitoring.coreos.com_probes.yaml",
	"prometheus-operator/v0.76.1/monitoring.coreos.com_prometheusagents.yaml",
	"prometheus-operator/v0.76.1/monitoring.coreos.com_prometheuses.yaml",
	"prometheus-operator/v0.76.1/monitoring.coreos.com_prometheusrules.yaml",
	"prometheus-operator/v0.76.1/monitoring.coreos.com_scrapeconfigs.yaml",
	"prometheus-operator/v0.76.1/monitoring.coreos.com_servicemonitors.yaml",
	"prometheus-operator/v0.76.1/monitoring.coreos.com_thanosrulers.yaml",
	"rook/v1.15.9/crds.yaml",
	"kubevirt/v1.3.1/kv-resource.yaml",
	"gateway-api/v1.2.0/standard-install.yaml",
}

// serveWorkload serves the large CRDs and the small chart on loopback; it returns the
// base URL and the CRD URLs.
func serveWorkload(upstreamDir string) (string, []string, func(), error) {
	content := map[string][]byte{}
	var urls []string
	for _, rel := range largeCRDs {
		data, err := os.ReadFile(filepath.Join(upstreamDir, rel))
		if err != nil {
			return "", nil, nil, fmt.Errorf("bench needs the real CRDs of shared/upstream: %w", err)
		}
		content["/crds/"+rel] = data
	}
	tgz, err := fixture.Package(smallChart, "small")
	if err != nil {
		return "", nil, nil, err
	}
	sum := sha256.Sum256(tgz)
	content["/small-1.0.0.tgz"] = tgz
	index, _ := yaml.Marshal(map[string]any{"apiVersion": "v1", "entries": map[string]any{"small": []any{map[string]any{
		"name": "small", "version": "1.0.0", "apiVersion": "v2", "digest": hex.EncodeToString(sum[:]), "urls": []string{"small-1.0.0.tgz"},
	}}}})
	content["/index.yaml"] = index
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", nil, nil, err
	}
	srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if data, ok := content[r.URL.Path]; ok {
			w.Write(data)
			return
		}
		http.NotFound(w, r)
	})}
	go srv.Serve(ln)
	base := "http://" + ln.Addr().String()
	for p := range content {
		if strings.HasPrefix(p, "/crds/") {
			urls = append(urls, base+p)
		}
	}
	sort.Strings(urls)
	return base, urls, func() { srv.Close() }, nil
}
