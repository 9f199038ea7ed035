package artifact

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
)

// casDir is the content-addressed directory of a cache or vendor directory: each
// artifact is stored at <root>/sha256/<hex of its bytes>.
const casDir = "sha256"

// casPath is where root stores the artifact whose digest is hex.
func casPath(root, hex string) string { return filepath.Join(root, casDir, hex) }

// errCorrupt marks a stored file whose bytes no longer match its name.
var errCorrupt = errors.New("corrupted")

// readCAS reads the artifact with digest hex under root and verifies it on every read.
// A missing file is (nil, fs.ErrNotExist); a file whose sha256 differs is errCorrupt.
func readCAS(root, hex string) ([]byte, error) {
	path := casPath(root, hex)
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	if got := sum(data); got != hex {
		return nil, fmt.Errorf("%s is %w: its sha256 is %s", path, errCorrupt, got)
	}
	return data, nil
}

// writeCAS stores data under root by its digest, atomically.
func writeCAS(root string, data []byte) (string, error) {
	path := casPath(root, sum(data))
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return "", err
	}
	return path, writeAtomic(path, data)
}

// writeAtomic writes data to a temporary file in path's directory and renames it over
// path, so that a reader (another kargo process too) sees the old file or the new one,
// never a partial one.
func writeAtomic(path string, data []byte) (err error) {
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".tmp-*")
	if err != nil {
		return err
	}
	defer func() {
		if err != nil {
			tmp.Close()
			os.Remove(tmp.Name())
		}
	}()
	if _, err = tmp.Write(data); err != nil {
		return err
	}
	if err = tmp.Sync(); err != nil {
		return err
	}
	if err = tmp.Close(); err != nil {
		return err
	}
	if err = os.Chmod(tmp.Name(), 0o644); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), path)
}

// isNotExist reports a missing file.
func isNotExist(err error) bool { return errors.Is(err, fs.ErrNotExist) }
