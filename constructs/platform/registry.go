package platform

import (
	"errors"
	"fmt"
	"sort"
	"strings"
)

// Registry is the set of modules kargo knows.
type Registry struct {
	modules map[string]Module
	names   []string
}

// NewRegistry returns a registry of the given modules. It panics on a duplicate name or
// a requirement that names no module: both are programming errors in kargo.
func NewRegistry(modules ...Module) *Registry {
	r := &Registry{modules: map[string]Module{}}
	for _, m := range modules {
		if _, dup := r.modules[m.Name()]; dup {
			panic(fmt.Sprintf("platform: module %q registered twice", m.Name()))
		}
		r.modules[m.Name()] = m
		r.names = append(r.names, m.Name())
	}
	sort.Strings(r.names)
	return r
}

// Names lists the module names, sorted.
func (r *Registry) Names() []string { return append([]string(nil), r.names...) }

// Get returns the named module.
func (r *Registry) Get(name string) (Module, bool) {
	m, ok := r.modules[name]
	return m, ok
}

// Check returns one error per unmet requirement of the enabled modules, sorted, each
// saying what to enable.
func (r *Registry) Check(enabled map[string]bool) []error {
	var errs []error
	for _, name := range r.names {
		if !enabled[name] {
			continue
		}
		var missing []string
		for _, req := range r.modules[name].Requires() {
			if !enabled[req] {
				missing = append(missing, req)
			}
		}
		if len(missing) == 0 {
			continue
		}
		fixes := make([]string, len(missing))
		var unknown []string
		for i, m := range missing {
			fixes[i] = fmt.Sprintf("modules.%s.enabled", m)
			if _, known := r.modules[m]; !known {
				unknown = append(unknown, m)
			}
		}
		msg := fmt.Sprintf("modules.%s: requires %s: set %s to true, or disable %s",
			name, strings.Join(missing, ", "), strings.Join(fixes, ", "), name)
		if len(unknown) > 0 {
			msg += fmt.Sprintf(" (not yet provided by this build of kargo: %s)", strings.Join(unknown, ", "))
		}
		errs = append(errs, errors.New(msg))
	}
	return errs
}

// Order returns the enabled modules, each after the modules it requires; ties are broken
// by name, so the order is stable. It assumes Check passed.
func (r *Registry) Order(enabled map[string]bool) ([]Module, error) {
	var out []Module
	state := map[string]int{} // 0 new, 1 visiting, 2 done
	var visit func(name string, chain []string) error
	visit = func(name string, chain []string) error {
		switch state[name] {
		case 1:
			return fmt.Errorf("modules: requirement cycle %s", strings.Join(append(chain, name), " -> "))
		case 2:
			return nil
		}
		state[name] = 1
		m := r.modules[name]
		reqs := append([]string(nil), m.Requires()...)
		sort.Strings(reqs)
		for _, req := range reqs {
			if _, ok := r.modules[req]; !ok || !enabled[req] {
				continue
			}
			if err := visit(req, append(chain, name)); err != nil {
				return err
			}
		}
		state[name] = 2
		out = append(out, m)
		return nil
	}
	for _, name := range r.names {
		if enabled[name] {
			if err := visit(name, nil); err != nil {
				return nil, err
			}
		}
	}
	return out, nil
}
