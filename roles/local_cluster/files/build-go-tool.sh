#!/usr/bin/env bash
# Build one Go main package from the Go module proxy into a static binary.
#
# A throwaway wrapper module records the package as a tool dependency
# (`go get -tool`), so the package's own go.mod (with its replace directives
# ignored, as for any dependency) resolves through the proxy.
#
# usage: build-go-tool.sh PACKAGE VERSION OUTFILE [LDFLAGS]
#   e.g. build-go-tool.sh sigs.k8s.io/metrics-server/cmd/metrics-server v0.8.0 /cache/metrics-server
set -euo pipefail

pkg=${1:?usage: build-go-tool.sh PACKAGE VERSION OUTFILE [LDFLAGS]}
version=${2:?usage: build-go-tool.sh PACKAGE VERSION OUTFILE [LDFLAGS]}
out=${3:?usage: build-go-tool.sh PACKAGE VERSION OUTFILE [LDFLAGS]}
ldflags="-s -w ${4:-}"

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"
export GOFLAGS=-mod=mod GOTOOLCHAIN=${GOTOOLCHAIN:-local} CGO_ENABLED=0

start=$(date +%s)
echo "==> ${pkg}@${version}: resolving"
go mod init techcommerce.local/tool-build >/dev/null 2>&1
go get -tool "${pkg}@${version}"
echo "==> ${pkg}@${version}: building"
mkdir -p "$(dirname "$out")"
go build -trimpath -ldflags "$ldflags" -o "${out}.tmp" "$pkg"
mv "${out}.tmp" "$out"
echo "    built $(basename "$out") in $(( $(date +%s) - start ))s"
