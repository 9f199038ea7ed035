// Package images finds the container images that objects reference — containers of any
// pod template, KubeVirt containerDisks, CDI registry imports — lists them (kargo images)
// and rewrites them to mirrors for air-gapped sites (sources.image_mirrors), as an
// aspect that reaches every object.
package images
