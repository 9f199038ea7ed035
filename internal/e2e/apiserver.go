//go:build unix

package e2e

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"encoding/hex"
	"encoding/pem"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"sigs.k8s.io/yaml"
)

// readyTimeout bounds the wait for /readyz; the server is usually ready in 3–5 s.
const readyTimeout = 90 * time.Second

// StartAPIServer starts etcd and kube-apiserver from $KARGO_KAS_DIR on free ports of
// 127.0.0.1 and returns the path of a kubeconfig with a system:masters token. Both
// processes are stopped when the test ends. The test is skipped when KARGO_KAS_DIR is
// not set.
func StartAPIServer(t testing.TB) string {
	t.Helper()
	kas := os.Getenv("KARGO_KAS_DIR")
	if kas == "" {
		t.Skip("KARGO_KAS_DIR is not set: run make kas and set it to the printed directory (make e2e does both)")
	}
	apiserverBin, etcdBin := filepath.Join(kas, "kube-apiserver"), filepath.Join(kas, "etcd")
	for _, bin := range []string{apiserverBin, etcdBin} {
		if _, err := os.Stat(bin); err != nil {
			t.Fatalf("KARGO_KAS_DIR: %v (run make kas)", err)
		}
	}
	dir := t.TempDir() // registered first, so removed after the processes are stopped
	ports := freePorts(t, 3)
	etcdURL := "http://127.0.0.1:" + strconv.Itoa(ports[0])
	peerURL := "http://127.0.0.1:" + strconv.Itoa(ports[1])
	server := "https://127.0.0.1:" + strconv.Itoa(ports[2])

	start := time.Now()
	startProcess(t, dir, etcdBin,
		"--name=e2e",
		"--data-dir="+filepath.Join(dir, "etcd"),
		"--listen-client-urls="+etcdURL,
		"--advertise-client-urls="+etcdURL,
		"--listen-peer-urls="+peerURL,
		"--initial-advertise-peer-urls="+peerURL,
		"--initial-cluster=e2e="+peerURL,
		"--unsafe-no-fsync",
		"--log-level=warn",
	)

	token := randomHex(t, 16)
	tokens := filepath.Join(dir, "tokens.csv")
	writeFile(t, tokens, []byte(token+`,kargo-e2e,kargo-e2e,"system:masters"`+"\n"))
	saKey, saPub := writeServiceAccountKeys(t, dir)
	certDir := filepath.Join(dir, "certs")
	exited := startProcess(t, dir, apiserverBin,
		"--etcd-servers="+etcdURL,
		"--secure-port="+strconv.Itoa(ports[2]),
		"--bind-address=127.0.0.1",
		"--advertise-address=127.0.0.1",
		"--endpoint-reconciler-type=none",
		"--service-cluster-ip-range=10.0.0.0/24",
		"--cert-dir="+certDir,
		"--token-auth-file="+tokens,
		"--authorization-mode=RBAC",
		// As on every cluster that runs KubeVirt (virt-handler, and kargo's Talos
		// SELinux DaemonSet, are privileged); the default false rejects them with
		// "securityContext.privileged: Forbidden: disallowed by cluster policy".
		"--allow-privileged=true",
		// Webhook configurations are stored and validated but never called: calling
		// them would dial a Service's cluster IP.
		"--disable-admission-plugins=MutatingAdmissionWebhook,ValidatingAdmissionWebhook",
		"--service-account-issuer=https://kubernetes.default.svc",
		"--service-account-key-file="+saPub,
		"--service-account-signing-key-file="+saKey,
	)

	caFile := filepath.Join(certDir, "apiserver.crt")
	ca := waitReady(t, server, caFile, token, exited, filepath.Join(dir, "kube-apiserver.log"))
	t.Logf("kube-apiserver ready at %s in %s", server, time.Since(start).Round(10*time.Millisecond))

	kubeconfig := filepath.Join(dir, "kubeconfig")
	writeKubeconfig(t, kubeconfig, server, ca, token)
	return kubeconfig
}

// freePorts returns n distinct free TCP ports on 127.0.0.1, holding all of them open
// until the last is picked so none is returned twice.
func freePorts(t testing.TB, n int) []int {
	t.Helper()
	var ports []int
	for range n {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatalf("pick a free port: %v", err)
		}
		defer l.Close()
		ports = append(ports, l.Addr().(*net.TCPAddr).Port)
	}
	return ports
}

// startProcess starts bin with args in its own process group, logging to
// dir/<name>.log, and stops the group when the test ends. The returned channel is
// closed when the process exits.
func startProcess(t testing.TB, dir, bin string, args ...string) <-chan struct{} {
	t.Helper()
	name := filepath.Base(bin)
	logFile, err := os.Create(filepath.Join(dir, name+".log"))
	if err != nil {
		t.Fatalf("create %s log: %v", name, err)
	}
	cmd := exec.Command(bin, args...)
	cmd.Dir = dir
	cmd.Stdout, cmd.Stderr = logFile, logFile
	cmd.SysProcAttr = sysProcAttr()
	if err := cmd.Start(); err != nil {
		logFile.Close()
		t.Fatalf("start %s: %v", name, err)
	}
	exited := make(chan struct{})
	go func() {
		_ = cmd.Wait()
		logFile.Close()
		close(exited)
	}()
	t.Cleanup(func() {
		pgid := cmd.Process.Pid // the leader of its own group (Setpgid)
		_ = syscall.Kill(-pgid, syscall.SIGTERM)
		select {
		case <-exited:
		case <-time.After(10 * time.Second):
			_ = syscall.Kill(-pgid, syscall.SIGKILL)
			<-exited
		}
		if t.Failed() {
			t.Logf("%s log (tail):\n%s", name, tail(filepath.Join(dir, name+".log")))
		}
	})
	return exited
}

// waitReady polls server's /readyz until it answers 200, trusting the self-signed
// certificate the server writes to caFile, and returns that certificate (PEM).
func waitReady(t testing.TB, server, caFile, token string, exited <-chan struct{}, log string) []byte {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), readyTimeout)
	defer cancel()
	var (
		ca      []byte
		client  *http.Client
		lastErr error = errors.New("no certificate yet")
	)
	for {
		select {
		case <-exited:
			t.Fatalf("kube-apiserver exited before it was ready:\n%s", tail(log))
		case <-ctx.Done():
			t.Fatalf("kube-apiserver not ready after %s: %v\n%s", readyTimeout, lastErr, tail(log))
		case <-time.After(200 * time.Millisecond):
		}
		if client == nil {
			pemBytes, err := os.ReadFile(caFile)
			pool := x509.NewCertPool()
			if err != nil || !pool.AppendCertsFromPEM(pemBytes) {
				continue // written at start-up, possibly not yet (or not completely)
			}
			ca = pemBytes
			client = &http.Client{
				Timeout:   5 * time.Second,
				Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool}},
			}
		}
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, server+"/readyz", nil)
		if err != nil {
			t.Fatal(err)
		}
		req.Header.Set("Authorization", "Bearer "+token)
		resp, err := client.Do(req)
		if err != nil {
			lastErr = err
			continue
		}
		resp.Body.Close()
		if resp.StatusCode == http.StatusOK {
			client.CloseIdleConnections()
			if final, err := os.ReadFile(caFile); err == nil {
				ca = final // complete by now, should the first read have been early
			}
			return ca
		}
		lastErr = fmt.Errorf("readyz: %s", resp.Status)
	}
}

// writeServiceAccountKeys writes an ECDSA key pair for signing and verifying
// service-account tokens and returns the private and public key paths.
func writeServiceAccountKeys(t testing.TB, dir string) (keyFile, pubFile string) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatalf("generate service-account key: %v", err)
	}
	der, err := x509.MarshalECPrivateKey(key)
	if err != nil {
		t.Fatalf("marshal service-account key: %v", err)
	}
	pub, err := x509.MarshalPKIXPublicKey(&key.PublicKey)
	if err != nil {
		t.Fatalf("marshal service-account public key: %v", err)
	}
	keyFile, pubFile = filepath.Join(dir, "sa.key"), filepath.Join(dir, "sa.pub")
	writeFile(t, keyFile, pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: der}))
	writeFile(t, pubFile, pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: pub}))
	return keyFile, pubFile
}

// writeKubeconfig writes a kubeconfig for server, which must be on 127.0.0.1: the
// tests never talk to anything but loopback.
func writeKubeconfig(t testing.TB, path, server string, ca []byte, token string) {
	t.Helper()
	u, err := url.Parse(server)
	if err != nil || u.Hostname() != "127.0.0.1" {
		t.Fatalf("kubeconfig server %q is not on 127.0.0.1", server)
	}
	config := map[string]any{
		"apiVersion":      "v1",
		"kind":            "Config",
		"current-context": "e2e",
		"clusters": []any{map[string]any{"name": "e2e", "cluster": map[string]any{
			"server":                     server,
			"certificate-authority-data": ca, // []byte marshals as base64
		}}},
		"users": []any{map[string]any{"name": "e2e", "user": map[string]any{"token": token}}},
		"contexts": []any{map[string]any{"name": "e2e", "context": map[string]any{
			"cluster": "e2e", "user": "e2e",
		}}},
	}
	data, err := yaml.Marshal(config)
	if err != nil {
		t.Fatalf("marshal kubeconfig: %v", err)
	}
	writeFile(t, path, data)
}

func writeFile(t testing.TB, path string, data []byte) {
	t.Helper()
	if err := os.WriteFile(path, data, 0o600); err != nil {
		t.Fatal(err)
	}
}

func randomHex(t testing.TB, n int) string {
	t.Helper()
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		t.Fatal(err)
	}
	return hex.EncodeToString(b)
}

// tail returns the last lines of a log file, for failure messages.
func tail(path string) string {
	data, err := os.ReadFile(path)
	if err != nil {
		return err.Error()
	}
	lines := strings.Split(strings.TrimRight(string(data), "\n"), "\n")
	if len(lines) > 40 {
		lines = lines[len(lines)-40:]
	}
	return strings.Join(lines, "\n")
}
