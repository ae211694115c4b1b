#!/usr/bin/env bash
# Renders every kustomization with `kubectl kustomize` and validates each
# object against the Kubernetes and prometheus-operator schemas
# (validate.js, packages pinned in k8s/package-lock.json and installed with
# `npm ci` into WORK_DIR, never into the source tree), then checks that the
# rendered PrometheusRule holds the groups of monitoring/prometheus/rules.yml
# (rules_sync.js).
#   render_test.sh K8S_DIR WORK_DIR
# Exit codes: 0 pass, 1 fail, 77 skipped (a tool is missing).
set -euo pipefail
k8s=$(cd "$1" && pwd)
work=$2
for tool in kubectl node npm; do
  if ! command -v "$tool" >/dev/null; then
    echo "SKIPPED: $tool is not installed (kubectl with kustomize, node and npm: see docs/operations.md, Tests)"
    exit 77
  fi
done
mkdir -p "$work"
# Install once per lock file version.
if ! cmp -s "$k8s/package-lock.json" "$work/package-lock.json" 2>/dev/null ||
   [ ! -d "$work/node_modules" ]; then
  cp "$k8s/package.json" "$k8s/package-lock.json" "$work/"
  (cd "$work" && npm ci --no-audit --no-fund --loglevel=error) || {
    echo "FAIL: npm ci in $work"; exit 1; }
fi
status=0
with_rules=()
for dir in overlays/dev overlays/prod batch-score monitoring; do
  out="$work/rendered-${dir//\//-}.yaml"
  if ! kubectl kustomize "$k8s/$dir" >"$out"; then
    echo "FAIL: kubectl kustomize k8s/$dir"
    status=1
    continue
  fi
  echo -n "k8s/$dir: "
  NODE_PATH="$work/node_modules" node "$k8s/test/validate.js" "$out" || status=1
  case $dir in overlays/prod | monitoring) with_rules+=("$out") ;; esac
done
# prometheus-operator loads the PrometheusRule, a plain Prometheus rules.yml
# (the file promtool tests): both must hold the same groups.
if [ ${#with_rules[@]} -gt 0 ]; then
  echo -n "rules: "
  NODE_PATH="$work/node_modules" node "$k8s/test/rules_sync.js" \
    "$k8s/monitoring/prometheus/rules.yml" "${with_rules[@]}" || status=1
fi
exit $status
