package vm

import (
	"bytes"
	"encoding/base64"
	"encoding/binary"
	"fmt"
	"regexp"
	"strings"

	"k8s.io/apimachinery/pkg/util/validation"
	"k8s.io/apimachinery/pkg/util/validation/field"
)

// Config is modules.vm in kargo.config.yaml.
type Config struct {
	Enabled      bool   `json:"enabled" doc:"Build the vm module: one Ubuntu VirtualMachine reachable over SSH. Defaults to false."`
	Namespace    string `json:"namespace" doc:"Namespace of the VirtualMachine, the SSH key Secret and the SSH Service; it must exist. Defaults to default."`
	InstanceName string `json:"instance_name" doc:"Name of the VirtualMachine and the guest's hostname; the SSH Service is named after it with -ssh appended. Defaults to ubuntu."`
	Image        string `json:"image" doc:"Container disk image the VM boots from. Defaults to docker.io/containercraft/ubuntu:22.04."`
	Running      bool   `json:"running" doc:"Start the VM; false defines it stopped (start it with virtctl start). Defaults to true."`
	CPUCores     int    `json:"cpu_cores" doc:"Virtual CPU cores of the guest, also the CPU limit of its pod. Defaults to 2."`
	MemorySize   int    `json:"memory_size" doc:"Guest memory in GiB, also the memory limit of its pod. Defaults to 4."`
	SSHUser      string `json:"ssh_user" doc:"User cloud-init creates in the guest, with passwordless sudo and a locked password; the SSH key is installed for it. Defaults to kc2."`
	SSHPubKey    string `json:"ssh_pub_key" doc:"OpenSSH public key allowed to log in as ssh_user, e.g. the contents of ~/.ssh/id_ed25519.pub. Required when the module is enabled; no default."`
	NodePort     int    `json:"node_port" doc:"Port (30000-32767) the SSH Service opens on every node. Defaults to 30590."`
}

// DefaultConfig returns the defaults of the vm module: disabled, and without an SSH key.
func DefaultConfig() Config {
	return Config{
		Namespace:    "default",
		InstanceName: "ubuntu",
		Image:        "docker.io/containercraft/ubuntu:22.04",
		Running:      true,
		CPUCores:     2,
		MemorySize:   4,
		SSHUser:      "kc2",
		NodePort:     30590,
	}
}

// IsEnabled implements platform.Config.
func (c Config) IsEnabled() bool { return c.Enabled }

// serviceSuffix is appended to instance_name to name the SSH Service.
const serviceSuffix = "-ssh"

// maxInstanceName keeps <instance_name>-ssh a valid Service name.
const maxInstanceName = validation.DNS1035LabelMaxLength - len(serviceSuffix)

// The node port range of a default kube-apiserver (--service-node-port-range).
const (
	minNodePort = 30000
	maxNodePort = 32767
)

var userRE = regexp.MustCompile(`^[a-z_][a-z0-9_-]{0,31}$`)

// Validate implements platform.Config: it returns every problem of the config. The SSH
// key is required only when the module is enabled.
func (c Config) Validate(path *field.Path) field.ErrorList {
	var errs field.ErrorList
	switch {
	case c.Namespace == "":
		errs = append(errs, field.Required(path.Child("namespace"), "the namespace of the VM, e.g. default"))
	default:
		for _, msg := range validation.IsDNS1123Label(c.Namespace) {
			errs = append(errs, field.Invalid(path.Child("namespace"), c.Namespace, msg))
		}
	}
	switch {
	case c.InstanceName == "":
		errs = append(errs, field.Required(path.Child("instance_name"), "the name of the VM, e.g. ubuntu"))
	case len(c.InstanceName) > maxInstanceName:
		errs = append(errs, field.Invalid(path.Child("instance_name"), c.InstanceName,
			fmt.Sprintf("must be no more than %d characters: the SSH Service is named <instance_name>%s", maxInstanceName, serviceSuffix)))
	default:
		for _, msg := range validation.IsDNS1035Label(c.InstanceName) {
			errs = append(errs, field.Invalid(path.Child("instance_name"), c.InstanceName, msg+" (it names the VirtualMachine and its Service)"))
		}
	}
	errs = append(errs, validateImage(path.Child("image"), c.Image)...)
	if c.CPUCores <= 0 {
		errs = append(errs, field.Invalid(path.Child("cpu_cores"), c.CPUCores, "must be greater than 0"))
	}
	if c.MemorySize <= 0 {
		errs = append(errs, field.Invalid(path.Child("memory_size"), c.MemorySize, "must be greater than 0 (GiB)"))
	}
	switch {
	case c.SSHUser == "root":
		errs = append(errs, field.Invalid(path.Child("ssh_user"), c.SSHUser, "must not be root: the user gets passwordless sudo, pick an unprivileged name such as kc2"))
	case !userRE.MatchString(c.SSHUser):
		errs = append(errs, field.Invalid(path.Child("ssh_user"), c.SSHUser, "must be a Linux user name: up to 32 lower-case letters, digits, '_' or '-', starting with a letter or '_'"))
	}
	switch {
	case strings.TrimSpace(c.SSHPubKey) != "":
		if msg := checkSSHPublicKey(c.SSHPubKey); msg != "" {
			// The value is omitted: a private key pasted by mistake must not be printed.
			errs = append(errs, field.Invalid(path.Child("ssh_pub_key"), field.OmitValueType{}, msg))
		}
	case c.Enabled:
		errs = append(errs, field.Required(path.Child("ssh_pub_key"), "required when the vm module is enabled: paste the contents of ~/.ssh/id_ed25519.pub (create one with ssh-keygen -t ed25519)"))
	}
	if c.NodePort < minNodePort || c.NodePort > maxNodePort {
		errs = append(errs, field.Invalid(path.Child("node_port"), c.NodePort, validation.InclusiveRangeError(minNodePort, maxNodePort)+" (the NodePort range)"))
	}
	return errs
}

func validateImage(path *field.Path, image string) field.ErrorList {
	switch {
	case image == "":
		return field.ErrorList{field.Required(path, "an image reference such as "+DefaultConfig().Image)}
	case strings.ContainsAny(image, " \t\r\n"):
		return field.ErrorList{field.Invalid(path, image, "must not contain white space")}
	case strings.Contains(image, "://"):
		return field.ErrorList{field.Invalid(path, image, "must be an image reference without a scheme, such as "+DefaultConfig().Image)}
	}
	return nil
}

// sshKeyTypes are the OpenSSH public key types accepted, in the order error messages
// list them. DSA keys are left out: OpenSSH no longer accepts them.
var sshKeyTypes = []string{
	"ssh-ed25519",
	"ssh-rsa",
	"ecdsa-sha2-nistp256",
	"ecdsa-sha2-nistp384",
	"ecdsa-sha2-nistp521",
	"sk-ssh-ed25519@openssh.com",
	"sk-ecdsa-sha2-nistp256@openssh.com",
}

// checkSSHPublicKey returns what is wrong with key as a single OpenSSH public key line
// ("<type> <base64 blob> [comment]"), or "" when nothing is.
func checkSSHPublicKey(key string) string {
	key = strings.TrimSpace(key)
	if strings.Contains(key, "PRIVATE KEY") {
		return "this is a private key: never put it in the config; paste the public key (the .pub file) instead"
	}
	if strings.ContainsAny(key, "\r\n") {
		return "must be one public key on one line"
	}
	f := strings.Fields(key)
	if len(f) < 2 {
		return `must be an OpenSSH public key "<type> <base64 key> [comment]", e.g. the contents of ~/.ssh/id_ed25519.pub`
	}
	typ, blob := f[0], f[1]
	known := false
	for _, t := range sshKeyTypes {
		known = known || typ == t
	}
	if !known {
		return fmt.Sprintf("unsupported key type %q: use one of %s", typ, strings.Join(sshKeyTypes, ", "))
	}
	data, err := base64.StdEncoding.DecodeString(blob)
	if err != nil {
		return "the key data (second word) is not valid base64: copy the whole line of the .pub file"
	}
	// The blob starts with the key type as an SSH string: uint32 length, then bytes.
	if len(data) < 4 {
		return fmt.Sprintf("the key data does not hold a %s key: copy the whole line of the .pub file", typ)
	}
	n := binary.BigEndian.Uint32(data)
	if uint64(n) > uint64(len(data)-4) || !bytes.Equal(data[4:4+n], []byte(typ)) {
		return fmt.Sprintf("the key data does not hold a %s key: copy the whole line of the .pub file", typ)
	}
	return ""
}
