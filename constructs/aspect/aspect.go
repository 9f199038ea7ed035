package aspect

import (
	"fmt"

	"github.com/kargo-platform/kargo/internal/manifest"
)

// Aspect visits one object and may change it.
type Aspect interface {
	Visit(obj manifest.Object) error
}

// Func adapts a function to Aspect.
type Func func(obj manifest.Object) error

// Visit implements Aspect.
func (f Func) Visit(obj manifest.Object) error { return f(obj) }

// Apply applies the aspects, in order, to every object. The first error stops it and
// names the object.
func Apply(objs []manifest.Object, aspects ...Aspect) error {
	for _, a := range aspects {
		for _, o := range objs {
			if err := a.Visit(o); err != nil {
				return fmt.Errorf("%s: %w", o.ID(), err)
			}
		}
	}
	return nil
}
