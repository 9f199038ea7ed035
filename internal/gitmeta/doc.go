// Package gitmeta reads the git metadata (branch, commit, remote) that the opt-in
// git_metadata section of kargo.config.yaml puts on every object.
package gitmeta
