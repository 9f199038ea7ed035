# kargo: make synth renders kargo.config.yaml into dist/; make test runs every test offline.

GO      ?= go
BIN     := bin/kargo
CONFIG  ?= kargo.config.yaml
OUT     ?= dist
# The real upstream release files (test data for bench and some tests), beside the checkout.
UPSTREAM ?= ../shared/upstream

# jsii-runtime-go prints a node end-of-life banner on node 20 unless this is set.
export JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION ?= 20

.PHONY: all build synth diff demo bench test golden lint fmt vet tidy clean imports

all: lint test

build: ## build bin/kargo
	$(GO) build -trimpath -ldflags "-s -w" -o $(BIN) .

synth: build ## render $(CONFIG) into $(OUT)/
	./$(BIN) synth -c $(CONFIG) -o $(OUT)

diff: build ## exit 1 when $(OUT)/ differs from a fresh synth
	./$(BIN) diff -c $(CONFIG) -o $(OUT)

demo: ## the main job end to end with no internet: fixture upstream on loopback -> demo-dist/
	$(GO) run ./hack/demo $(CONFIG)

bench: ## wall time, CPU, peak memory of kargo on a platform-scale workload vs a Go-only reference
	$(GO) build -o bin/kargo-bench ./hack/bench
	./bin/kargo-bench -upstream $(UPSTREAM)
	$(GO) test -run '^$$' -bench . -benchtime 3x ./internal/manifest ./internal/yamlenc ./constructs/aspect ./internal/helmrender

test: ## all tests, offline
	$(GO) test -count=1 ./...

golden: ## rewrite golden files from the current output (review the diff!)
	KARGO_UPDATE_GOLDEN=1 $(GO) test -count=1 ./...

lint: fmt vet ## gofmt + go vet

fmt:
	@out=$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go')); \
	if [ -n "$$out" ]; then echo "gofmt would change:"; echo "$$out"; exit 1; fi

vet:
	$(GO) vet ./...

imports: ## regenerate the generated API bindings in imports/ from upstream CRDs
	$(GO) run ./imports/hostpathprovisioner/gen -crd $(UPSTREAM)/hostpath-provisioner-operator/v0.20.0/operator.yaml -o imports/hostpathprovisioner/types_generated.go

tidy:
	$(GO) mod tidy

clean:
	rm -rf bin demo-dist

.PHONY: kas e2e

kas: ## build kube-apiserver + etcd for the e2e tests into ~/.cache/kargo-kas/<go.sum key> (cold 6-12 min, ~2 GB peak)
	GO=$(GO) ./hack/kas/build.sh

e2e: kas ## tests against a real kube-apiserver + etcd on loopback (internal/e2e)
	KARGO_KAS_DIR=$$(GO=$(GO) ./hack/kas/build.sh) $(GO) test -count=1 -run . ./internal/e2e/ -v

.PHONY: apply

# How long `make apply` waits for the operators to create the run-time CRDs.
APPLY_WAIT ?= 15m

apply: ## apply $(OUT)/ to the current kube context stage by stage (README: "Applying dist/ in stages")
	@set -e; for stage in 00-crds 10-cluster 20-resources 30-runtime; do \
		files=$$(ls $(OUT)/$$stage-*.yaml 2>/dev/null || true); \
		[ -n "$$files" ] || continue; \
		if [ $$stage = 30-runtime ]; then \
			crds=$$(awk '/^---$$/ {g = ""} \
				/^apiVersion: / {g = $$2; if (index(g, "/")) sub("/[^/]*$$", "", g); else g = ""} \
				/^kind: / {if (g != "") print "crd/" tolower($$2) "s." g}' $$files | sort -u); \
			echo "+ waiting for the operators to create" $$crds; \
			kubectl wait --for=create --timeout=$(APPLY_WAIT) $$crds; \
			kubectl wait --for condition=established --timeout=60s $$crds; \
		fi; \
		for f in $$files; do \
			echo "+ kubectl apply --server-side --field-manager=kargo -f $$f"; \
			kubectl apply --server-side --field-manager=kargo -f $$f; \
		done; \
		if [ $$stage = 00-crds ]; then \
			kubectl wait --for condition=established --timeout=60s crd --all; \
		fi; \
	done
