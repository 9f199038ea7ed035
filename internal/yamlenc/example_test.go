package yamlenc_test

import (
	"fmt"
	"log"

	"github.com/kargo-platform/kargo/internal/yamlenc"
)

func Example() {
	deployment := map[string]any{
		"kind":       "Deployment",
		"apiVersion": "apps/v1",
		"metadata": map[string]any{
			"name":   "web",
			"labels": map[string]any{"app": "web", "enabled": "yes"},
		},
		"spec": map[string]any{
			"replicas": 2.0,
			"template": map[string]any{
				"spec": map[string]any{
					"containers": []any{
						map[string]any{
							"name":    "web",
							"image":   "nginx:1.27",
							"args":    []any{"--port=8080", "1.5"},
							"command": []any{"sh", "-c", "echo \"it's up\"\nexec nginx\n"},
						},
					},
				},
			},
		},
	}
	out, err := yamlenc.AppendObject([]byte("---\n"), deployment)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Print(string(out))
	// Output:
	// ---
	// apiVersion: apps/v1
	// kind: Deployment
	// metadata:
	//   labels:
	//     app: web
	//     enabled: 'yes'
	//   name: web
	// spec:
	//   replicas: 2
	//   template:
	//     spec:
	//       containers:
	//         - args:
	//             - --port=8080
	//             - '1.5'
	//           command:
	//             - sh
	//             - -c
	//             - |
	//               echo "it's up"
	//               exec nginx
	//           image: nginx:1.27
	//           name: web
}
