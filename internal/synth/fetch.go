package synth

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"sync"

	"github.com/kargo-platform/kargo/constructs/platform"
	"github.com/kargo-platform/kargo/internal/artifact"
	"github.com/kargo-platform/kargo/internal/config"
	"github.com/kargo-platform/kargo/internal/manifest"
)

// parallelFetches bounds concurrent downloads.
const parallelFetches = 4

// Refs lists the artifacts of the enabled modules of cfg, in module order.
func Refs(reg *platform.Registry, cfg *config.Config) ([]artifact.Ref, error) {
	order, err := reg.Order(cfg.Enabled())
	if err != nil {
		return nil, err
	}
	var refs []artifact.Ref
	for _, m := range order {
		refs = append(refs, m.Artifacts(cfg.Modules[m.Name()])...)
	}
	return refs, nil
}

// fetched serves the artifacts fetched before the modules build, with release manifests
// already parsed.
type fetched map[string]prefetched

type prefetched struct {
	artifact.Artifact
	objects []manifest.Object
	err     error
}

func (f fetched) Fetch(_ context.Context, ref artifact.Ref) (artifact.Artifact, error) {
	a, ok := f[ref.Name]
	if !ok || a.Ref != ref {
		return artifact.Artifact{}, fmt.Errorf("%s: the module did not declare this artifact (kargo fetches only declared artifacts, so kargo lock and vendor see them)", ref)
	}
	return a.Artifact, nil
}

// Parsed implements upstream.Parser: the objects of a manifest parsed while jsii
// started, handed out once (the caller transforms them in place).
func (f fetched) Parsed(ref artifact.Ref) ([]manifest.Object, bool, error) {
	a, ok := f[ref.Name]
	if !ok || a.Ref != ref || (a.objects == nil && a.err == nil) {
		return nil, false, nil
	}
	objs, err := a.objects, a.err
	a.objects, a.err = nil, nil
	f[ref.Name] = a
	return objs, true, err
}

// prefetch fetches every artifact of the modules, a few at a time, and reports every
// failure at once.
func prefetch(ctx context.Context, store platform.Fetcher, order []platform.Module, cfg *config.Config) (fetched, error) {
	var refs []artifact.Ref
	for _, m := range order {
		refs = append(refs, m.Artifacts(cfg.Modules[m.Name()])...)
	}
	out := fetched{}
	if len(refs) == 0 {
		return out, nil
	}
	if store == nil {
		return nil, errors.New("modules use upstream artifacts but no artifact store is configured")
	}
	var (
		mu   sync.Mutex
		errs []error
		wg   sync.WaitGroup
		sem  = make(chan struct{}, parallelFetches)
	)
	for _, ref := range refs {
		if _, dup := out[ref.Name]; dup {
			continue
		}
		out[ref.Name] = prefetched{}
		wg.Add(1)
		go func(ref artifact.Ref) {
			defer wg.Done()
			sem <- struct{}{}
			defer func() { <-sem }()
			a, err := store.Fetch(ctx, ref)
			var p prefetched
			if err == nil {
				p.Artifact = a
				if ref.Kind == artifact.Manifest {
					p.objects, p.err = manifest.ParseYAML(a.Data, a.URL)
				}
			}
			mu.Lock()
			defer mu.Unlock()
			if err != nil {
				errs = append(errs, err)
				return
			}
			out[ref.Name] = p
		}(ref)
	}
	wg.Wait()
	if len(errs) > 0 {
		sort.Slice(errs, func(i, j int) bool { return errs[i].Error() < errs[j].Error() })
		return nil, config.Errors(errs)
	}
	return out, nil
}
