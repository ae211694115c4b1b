#!/usr/bin/env bash
# yamllint over k8s/ with k8s/.yamllint.yaml.
#   lint_test.sh K8S_DIR
set -euo pipefail
if ! command -v yamllint >/dev/null; then
  echo "SKIPPED: yamllint is not installed (scripts/setup installs it)"
  exit 77
fi
cd "$1"
yamllint --strict -c .yamllint.yaml -f parsable .
echo "yamllint: k8s/ is clean"
