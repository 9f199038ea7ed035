// Package vm is the vm platform module: one Ubuntu virtual machine on KubeVirt, booted
// from a container disk, its user created by cloud-init, its SSH public key propagated
// from a Secret by the QEMU guest agent, and port 22 exposed on every node through a
// NodePort Service.
//
// The VirtualMachine is a kind whose CustomResourceDefinition virt-operator creates at
// run time, so it is written to the run-time apply stage of dist/; the Secret and the
// Service are ordinary cluster objects.
package vm
