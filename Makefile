# Thin wrappers: every target installs what it needs first, and is safe to run again.
SHELL := /bin/bash
VENV  := .venv
INVENTORY ?= inventories/local
# The venv is rebuilt only when a requirements file changes.
VENV_STAMP := $(VENV)/.stamp-$(shell cat requirements.txt constraints.txt services/requirements.txt | sha256sum | cut -c1-16)
SERVICES := services/common services/product_api services/order_api services/frontend
# The services' own distributions: run from source, never pinned.
SERVICE_DISTS := techcommerce-common product-api order-api frontend

.PHONY: help up secrets test lint venv constraints benchmark dev clean

help:  ## List the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-11s %s\n", $$1, $$2}'

up: secrets  ## Deploy everything: ansible-playbook site.yml -i $(INVENTORY)
	$(VENV)/bin/ansible-playbook site.yml -i $(INVENTORY)

secrets: $(VENV_STAMP)  ## Check the environment's vault file (local: generate it when missing)
	$(VENV)/bin/ansible-playbook playbooks/secrets.yml -i $(INVENTORY)

test: $(VENV_STAMP)  ## Run every check and test (starts a local PostgreSQL when missing)
	scripts/test.sh

lint: $(VENV_STAMP)  ## Linters only: ruff, yamllint, ansible-lint
	scripts/test.sh lint

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

constraints: $(VENV_STAMP)  ## Re-pin constraints.txt from the installed venv
	{ echo '# Full resolved set for requirements.txt (regenerate: make constraints).'; \
	  $(VENV)/bin/pip freeze --exclude-editable $(addprefix --exclude ,$(SERVICE_DISTS)); } > constraints.txt

clean:  ## Remove the venv and caches inside the repo
	rm -rf $(VENV) .pytest_cache .ruff_cache .hypothesis
