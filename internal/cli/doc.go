// Package cli is kargo's command line: synth, diff, modules, explain and version. It
// parses flags, calls into the packages that do the work and maps the outcome to an exit
// code; it holds no platform logic.
package cli
