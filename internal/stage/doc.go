// Package stage puts every object kargo emits into an apply stage. The stage is part of
// the output: it prefixes the file names in dist/ (so lexical order is apply order) and
// is written as Argo CD annotations on every object.
package stage
