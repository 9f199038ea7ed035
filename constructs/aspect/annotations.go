package aspect

import (
	"fmt"

	"k8s.io/apimachinery/pkg/util/validation"

	"github.com/kargo-platform/kargo/internal/manifest"
)

// Annotations sets annotations on metadata.annotations of every object.
type Annotations struct {
	// Annotations are the annotations to set.
	Annotations map[string]string
	// Overwrite replaces a value the object already has; otherwise the object's own
	// annotation wins.
	Overwrite bool
}

var _ Aspect = Annotations{}

// ValidateAnnotations returns every invalid key of annotations, sorted; path names where
// they come from (metadata.annotations).
func ValidateAnnotations(path string, annotations map[string]string) []error {
	var errs []error
	for _, k := range sortedKeys(annotations) {
		for _, msg := range validation.IsQualifiedName(k) {
			errs = append(errs, fmt.Errorf("%s: invalid key %q: %s", path, k, msg))
		}
	}
	return errs
}

// Visit implements Aspect.
func (a Annotations) Visit(obj manifest.Object) error {
	if len(a.Annotations) == 0 {
		return nil
	}
	set(obj.StringMap("annotations", true), a.Annotations, a.Overwrite)
	return nil
}
