// Package compliance turns the compliance section of kargo.config.yaml (FISMA, NIST,
// SCIP) into the labels and annotations that go on every object, and checks that the
// fields an enforcing configuration requires are present.
package compliance
