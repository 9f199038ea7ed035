package main

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"sigs.k8s.io/yaml"
)

// reference is the Go-only reference of field-notes.md: parse every object of IN with
// sigs.k8s.io/yaml, add two labels and one annotation, write it back with
// sigs.k8s.io/yaml into OUT — nothing else.
func reference(args []string) int {
	if len(args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: bench reference IN OUT")
		return 2
	}
	in, out := args[0], args[1]
	entries, err := os.ReadDir(in)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	if err := os.MkdirAll(out, 0o755); err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	for _, e := range entries {
		if !strings.HasSuffix(e.Name(), ".yaml") {
			continue
		}
		data, err := os.ReadFile(filepath.Join(in, e.Name()))
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			return 1
		}
		var buf bytes.Buffer
		for i, doc := range strings.Split(string(data), "\n---\n") {
			var obj map[string]any
			if err := yaml.Unmarshal([]byte(doc), &obj); err != nil {
				fmt.Fprintf(os.Stderr, "%s: %v\n", e.Name(), err)
				return 1
			}
			if obj == nil {
				continue
			}
			md, _ := obj["metadata"].(map[string]any)
			if md == nil {
				md = map[string]any{}
				obj["metadata"] = md
			}
			labels, _ := md["labels"].(map[string]any)
			if labels == nil {
				labels = map[string]any{}
				md["labels"] = labels
			}
			labels["team"], labels["env"] = "infra", "prod"
			ann, _ := md["annotations"].(map[string]any)
			if ann == nil {
				ann = map[string]any{}
				md["annotations"] = ann
			}
			ann["owner"] = "platform@example.com"
			b, err := yaml.Marshal(obj)
			if err != nil {
				fmt.Fprintln(os.Stderr, err)
				return 1
			}
			if i > 0 {
				buf.WriteString("---\n")
			}
			buf.Write(b)
		}
		if err := os.WriteFile(filepath.Join(out, e.Name()), buf.Bytes(), 0o644); err != nil {
			fmt.Fprintln(os.Stderr, err)
			return 1
		}
	}
	return 0
}
