#!/usr/bin/env bash
# Build one Go main package from the Go module proxy into a static binary.
#
# A throwaway wrapper module records the package as a tool dependency
# (`go get -tool`), so the package's own go.mod (with its replace directives
# ignored, as for any dependency) resolves through the proxy.
#
# usage: build-go-tool.sh PACKAGE VERSION OUTFILE [LDFLAGS [TAGS [PLACEHOLDERS]]]
#   e.g. build-go-tool.sh sigs.k8s.io/metrics-server/cmd/metrics-server v0.8.0 /cache/metrics-server
# TAGS: the package's own build tags, comma-separated (Prometheus: remove_all_sd,enable_kubernetes_sd).
# PLACEHOLDERS: files (space-separated, relative to the module's root) that its release build generates with npm
# before `go build` and that the module proxy's zip therefore lacks, while a //go:embed needs them (Alertmanager's
# web UI): the module is copied, each gets a one-line page saying so, and the build uses the copy (a replace).
set -euo pipefail

pkg=${1:?usage: build-go-tool.sh PACKAGE VERSION OUTFILE [LDFLAGS [TAGS [PLACEHOLDERS]]]}
version=${2:?usage: build-go-tool.sh PACKAGE VERSION OUTFILE [LDFLAGS [TAGS [PLACEHOLDERS]]]}
out=${3:?usage: build-go-tool.sh PACKAGE VERSION OUTFILE [LDFLAGS [TAGS [PLACEHOLDERS]]]}
ldflags="-s -w ${4:-}"
tags=${5:-}
placeholders=${6:-}

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"
export GOFLAGS=-mod=mod GOTOOLCHAIN=${GOTOOLCHAIN:-local} CGO_ENABLED=0

start=$(date +%s)
echo "==> ${pkg}@${version}: resolving"
go mod init techcommerce.local/tool-build >/dev/null 2>&1
go get -tool "${pkg}@${version}"
if [ -n "$placeholders" ]; then
  module=$(go list -e -f '{{.Module.Path}}' "$pkg")
  cp -r "$(go list -m -f '{{.Dir}}' "$module")" module-src
  chmod -R u+w module-src
  for file in $placeholders; do
    echo "    placeholder ${file}"
    mkdir -p "module-src/$(dirname "$file")"
    echo "<!doctype html><title>not built</title><p>This build has no web UI: its npm build is not part of the Go module. The API and the command-line tools work." > "module-src/${file}"
  done
  go mod edit -replace "${module}=./module-src"
fi
echo "==> ${pkg}@${version}: building"
mkdir -p "$(dirname "$out")"
go build -trimpath -tags "$tags" -ldflags "$ldflags" -o "${out}.tmp" "$pkg"
mv "${out}.tmp" "$out"
echo "    built $(basename "$out") in $(( $(date +%s) - start ))s"
