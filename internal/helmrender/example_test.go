package helmrender_test

import (
	"fmt"

	"github.com/kargo-platform/kargo/internal/helmrender"
)

func ExampleRender() {
	c, err := helmrender.LoadPath("testdata/charts/lookup")
	if err != nil {
		panic(err)
	}
	res, err := helmrender.Render(c, helmrender.Options{
		ReleaseName: "demo",
		Namespace:   "apps",
		KubeVersion: "1.30",
	})
	if err != nil {
		panic(err)
	}
	for _, o := range res.Objects {
		fmt.Println(o.ID())
	}
	for _, w := range res.Warnings {
		fmt.Println("warning:", w)
	}
	// Output:
	// ConfigMap apps/demo-state
	// ConfigMap apps/demo-plain
	// warning: templates/_helpers.tpl uses lookup, which returns nothing when rendering offline
	// warning: templates/configmap.yaml uses lookup, which returns nothing when rendering offline
}

func ExampleMergeValues() {
	module := map[string]any{"replicas": 2, "image": map[string]any{"repository": "quay.io/x", "tag": "1.0"}}
	user := map[string]any{"image": map[string]any{"tag": "1.1"}}
	fmt.Println(helmrender.MergeValues(module, user))
	// Output:
	// map[image:map[repository:quay.io/x tag:1.1] replicas:2]
}
