//go:build unix && !linux

package e2e

import "syscall"

// sysProcAttr puts a server in its own process group, so cleanup can signal the group.
func sysProcAttr() *syscall.SysProcAttr {
	return &syscall.SysProcAttr{Setpgid: true}
}
