package upstream

import (
	"context"
	"fmt"
	"os"

	"github.com/kargo-platform/kargo/constructs/platform"
	"github.com/kargo-platform/kargo/internal/artifact"
	"github.com/kargo-platform/kargo/internal/manifest"
)

// New fetches the manifest ref through env.Artifacts (verified against kargo.lock),
// parses it, applies the transforms in order and adds the objects to c as one bulk
// construct named after the artifact.
func New(ctx context.Context, c *platform.Chart, env platform.Env, ref artifact.Ref, ts ...Transform) (*platform.Bulk, error) {
	if env.Artifacts == nil {
		return nil, fmt.Errorf("%s: no artifact store to fetch it from", ref)
	}
	a, err := env.Artifacts.Fetch(ctx, ref)
	if err != nil {
		return nil, err
	}
	var objs []manifest.Object
	if p, ok := env.Artifacts.(Parser); ok {
		if parsed, ok, perr := p.Parsed(ref); ok {
			if perr != nil {
				return nil, fmt.Errorf("%s: %w", ref, perr)
			}
			objs, err = transform(parsed, a.URL, ts...)
		} else {
			objs, err = Parse(a.Data, a.URL, ts...)
		}
	} else {
		objs, err = Parse(a.Data, a.URL, ts...)
	}
	if err != nil {
		return nil, fmt.Errorf("%s: %w", ref, err)
	}
	b := c.AddBulk(ref.Name, a.URL, objs)
	b.Artifact = &a
	return b, nil
}

// NewLocal is New for a manifest file of the user's own (a path, not an upstream
// artifact: it is not locked or cached).
func NewLocal(c *platform.Chart, id, path string, ts ...Transform) (*platform.Bulk, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("manifest %s: %w", path, err)
	}
	objs, err := Parse(data, path, ts...)
	if err != nil {
		return nil, err
	}
	return c.AddBulk(id, path, objs), nil
}

// Parser is implemented by fetchers that parse manifests ahead of time (kargo's synth
// does it while jsii starts): Parsed returns the objects of ref once, ok false when it
// has none.
type Parser interface {
	Parsed(ref artifact.Ref) (objs []manifest.Object, ok bool, err error)
}

// Parse parses a manifest, tidies its objects (no nulls, no status) and applies the
// transforms in order.
func Parse(data []byte, source string, ts ...Transform) ([]manifest.Object, error) {
	objs, err := manifest.ParseYAML(data, source)
	if err != nil {
		return nil, err
	}
	return transform(objs, source, ts...)
}

func transform(objs []manifest.Object, source string, ts ...Transform) ([]manifest.Object, error) {
	var err error
	for _, o := range objs {
		o.Tidy()
	}
	for _, t := range ts {
		if objs, err = t.Apply(objs); err != nil {
			return nil, fmt.Errorf("%s: %w", source, err)
		}
	}
	for _, o := range objs {
		if err := o.Validate(); err != nil {
			return nil, fmt.Errorf("%s: %w", source, err)
		}
	}
	return objs, nil
}
