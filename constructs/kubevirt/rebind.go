package kubevirt

import (
	"fmt"

	"github.com/kargo-platform/kargo/constructs/upstream"
	"github.com/kargo-platform/kargo/internal/manifest"
)

// Rebind points the ServiceAccount subjects of a manifest's RoleBindings and
// ClusterRoleBindings from namespace From to namespace To: when a manifest's objects
// move to another namespace, the bindings must follow its service accounts there.
// Selecting no subject is an error (the manifest changed shape).
type Rebind struct {
	From string
	To   string
}

var _ upstream.Transform = Rebind{}

// Apply implements upstream.Transform.
func (r Rebind) Apply(objs []manifest.Object) ([]manifest.Object, error) {
	n := 0
	for _, o := range objs {
		if o.Group() != "rbac.authorization.k8s.io" || o.Kind() != "RoleBinding" && o.Kind() != "ClusterRoleBinding" {
			continue
		}
		subjects, _ := o["subjects"].([]any)
		for _, s := range subjects {
			m, _ := s.(map[string]any)
			if m["kind"] == "ServiceAccount" && m["namespace"] == r.From {
				m["namespace"] = r.To
				n++
			}
		}
	}
	if n == 0 {
		return nil, fmt.Errorf("rebind service accounts of namespace %s: no RoleBinding or ClusterRoleBinding names one", r.From)
	}
	return objs, nil
}
