#!/usr/bin/env bash
# Build upstream Kubernetes server binaries from the Go module proxy.
#
# k8s.io/kubernetes cannot be `go install`ed directly: its go.mod points every
# k8s.io/* staging module at ./staging via replace directives, which only work
# inside its own tree. A wrapper module requires it and re-points each staging
# module at its published v0.<minor>.<patch> tag.
#
# usage: build-kubernetes.sh VERSION OUTDIR [COMPONENT...]
set -euo pipefail

version=${1:?usage: build-kubernetes.sh VERSION OUTDIR [COMPONENT...]}
outdir=${2:?usage: build-kubernetes.sh VERSION OUTDIR [COMPONENT...]}
shift 2
components=("$@")
[ ${#components[@]} -gt 0 ] || components=(kube-apiserver kube-controller-manager kube-scheduler kubelet kube-proxy kubectl)

[[ $version =~ ^v1\.([0-9]+)\.([0-9]+)$ ]] || { echo "version must look like v1.37.2, got '$version'" >&2; exit 2; }
minor=${BASH_REMATCH[1]}
patch=${BASH_REMATCH[2]}
staging_version="v0.${minor}.${patch}"

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"
export GOFLAGS=-mod=mod GOTOOLCHAIN=local CGO_ENABLED=0

echo "==> fetching k8s.io/kubernetes@${version} go.mod"
modfile=$(go mod download -json "k8s.io/kubernetes@${version}" | sed -n 's/.*"GoMod": "\(.*\)".*/\1/p')
mapfile -t staging < <(sed -n 's#^\s*\(k8s\.io/[a-z0-9-]*\) => \./staging/.*#\1#p' "$modfile")
echo "==> wrapper module: ${#staging[@]} staging modules pinned to ${staging_version}"

{
  echo "module techcommerce.local/kubernetes-build"
  echo
  sed -n 's/^go \(.*\)/go \1/p' "$modfile"
  echo
  echo "require k8s.io/kubernetes ${version}"
  echo
  echo "replace ("
  for m in "${staging[@]}"; do echo "	${m} => ${m} ${staging_version}"; done
  echo ")"
} > go.mod
cat > tools.go <<'GO'
//go:build tools

package tools
GO

echo "==> resolving dependencies"
go mod download k8s.io/kubernetes
go get "k8s.io/kubernetes@${version}" >/dev/null

ldflags="-s -w"
for pkg in k8s.io/component-base/version k8s.io/client-go/pkg/version; do
  ldflags+=" -X ${pkg}.gitVersion=${version} -X ${pkg}.gitMajor=1 -X ${pkg}.gitMinor=${minor}"
  ldflags+=" -X ${pkg}.gitTreeState=clean -X ${pkg}.buildDate=1970-01-01T00:00:00Z"
done

mkdir -p "$outdir"
n=0
for c in "${components[@]}"; do
  start=$(date +%s)
  echo "==> building ${c} ${version} ($((++n))/${#components[@]}, minutes each on a cold cache)"
  go build -trimpath -ldflags "$ldflags" -o "${outdir}/${c}.tmp" "k8s.io/kubernetes/cmd/${c}"
  mv "${outdir}/${c}.tmp" "${outdir}/${c}"
  echo "    built ${c} in $(( $(date +%s) - start ))s"
done
(cd "$outdir" && sha256sum "${components[@]}" > SHA256SUMS)
echo "==> done: ${outdir}"
