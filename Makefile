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

test: ## all tests, offline: unit and golden tests, then make e2e (a real kube-apiserver on loopback; its first build takes 6-12 min, then it is cached)
	$(GO) test -count=1 ./...
	$(MAKE) --no-print-directory e2e

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

# The ApplySet parent kind (one cluster-scoped kargo-<stage> per stage) and the stages.
APPLYSET_CRD ?= internal/e2e/applyset-crd.yaml
STAGES := 00-crds 10-cluster 20-resources 30-runtime

apply: ## apply $(OUT)/ to the current kube context stage by stage, then prune what it no longer holds (README: "Applying dist/ in stages")
	@set -e; \
	applyset_id() { printf 'applyset-%s-v1' "$$(printf '%s' "$$1..ApplySet.kargo.dev" | openssl dgst -sha256 -binary | base64 | tr '+/' '-_' | tr -d '=')"; }; \
	parent() { \
		printf 'apiVersion: kargo.dev/v1\nkind: ApplySet\nmetadata:\n  name: kargo-%s\n  labels: {applyset.kubernetes.io/id: %s}\n  annotations: {applyset.kubernetes.io/tooling: kubectl/v1.33.1, applyset.kubernetes.io/contains-group-kinds: ""}\n' \
			"$$1" "$$(applyset_id kargo-$$1)" | kubectl apply --server-side --field-manager=kubectl-applyset -f -; \
	}; \
	tmp=$$(mktemp -d); trap 'rm -rf "$$tmp"' EXIT; \
	kubectl apply --server-side --field-manager=kargo -f $(APPLYSET_CRD); \
	kubectl wait --for condition=established --timeout=60s crd/applysets.kargo.dev; \
	for stage in $(STAGES); do \
		[ -n "$$(kubectl get applysets.kargo.dev kargo-$$stage --ignore-not-found -o name)" ] || parent $$stage; \
	done; \
	for stage in $(STAGES); do \
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
		args=; for f in $$files; do args="$$args -f $$f"; done; \
		id=$$(applyset_id kargo-$$stage); \
		echo "+ kubectl label --local -o json$$args applyset.kubernetes.io/part-of=$$id > $$stage.json"; \
		kubectl label --local -o json $$args applyset.kubernetes.io/part-of=$$id > $$tmp/$$stage.json; \
		echo "+ kubectl apply --server-side --field-manager=kargo -f $$stage.json"; \
		kubectl apply --server-side --field-manager=kargo -f $$tmp/$$stage.json; \
		if [ $$stage = 00-crds ]; then \
			kubectl wait --for condition=established --timeout=60s crd --all; \
		fi; \
	done; \
	for stage in $$(printf '%s\n' $(STAGES) | sort -r); do \
		files=$$(ls $(OUT)/$$stage-*.yaml 2>/dev/null || true); \
		if [ -n "$$files" ]; then \
			args=; for f in $$files; do args="$$args -f $$f"; done; \
			echo "+ KUBECTL_APPLYSET=true kubectl apply --server-side --field-manager=kargo --prune --applyset=applysets.kargo.dev/kargo-$$stage$$args"; \
			KUBECTL_APPLYSET=true kubectl apply --server-side --field-manager=kargo --prune --applyset=applysets.kargo.dev/kargo-$$stage $$args; \
		else \
			gks=$$(kubectl get applysets.kargo.dev kargo-$$stage -o jsonpath='{.metadata.annotations.applyset\.kubernetes\.io/contains-group-kinds}'); \
			[ -n "$$gks" ] || continue; \
			echo "+ kubectl delete $$gks -A -l applyset.kubernetes.io/part-of=$$(applyset_id kargo-$$stage) --wait=false"; \
			kubectl delete $$gks -A -l applyset.kubernetes.io/part-of=$$(applyset_id kargo-$$stage) --wait=false; \
			parent $$stage; \
		fi; \
	done
