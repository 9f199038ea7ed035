// Package talos is the talos platform module ("Kargo on Kargo"): the virtual machines of
// a nested Talos Linux cluster, as KubeVirt VirtualMachinePools — a control plane pool
// and, optionally, a worker pool — on a multus bridge network, each VM booting from a
// DataVolume that CDI imports from the Talos container disk image.
//
// The module creates the machines only: the Talos cluster itself is bootstrapped with
// talosctl once they run. VirtualMachinePool is a kind whose CustomResourceDefinition
// virt-operator creates at run time, so the pools are written to the run-time apply
// stage of dist/.
package talos
