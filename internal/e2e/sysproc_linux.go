package e2e

import "syscall"

// sysProcAttr puts a server in its own process group, so cleanup can signal the
// group, and has the kernel kill it if the test binary dies without running its
// cleanups (for example on go test's timeout).
func sysProcAttr() *syscall.SysProcAttr {
	return &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
}
