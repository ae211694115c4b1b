#!/usr/bin/env bash
# promtool check config, check rules and test rules on k8s/monitoring.
#   promtool_test.sh K8S_DIR
set -euo pipefail
if ! command -v promtool >/dev/null; then
  echo "SKIPPED: promtool is not installed (scripts/setup installs prometheus)"
  exit 77
fi
cd "$1/monitoring/prometheus"
promtool check config prometheus.yml
promtool check rules rules.yml
promtool test rules rules_test.yml
