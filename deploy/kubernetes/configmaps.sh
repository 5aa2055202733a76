#!/usr/bin/env sh
# Makes (or updates) the ConfigMaps placet serve reads: placet-policies from a policy folder
# (schema/, reference/, rules/ and pack.yaml; deployment.yaml maps the keys back to those
# folders) and placet-manifests from a folder of reference manifests (files at its top level).
#
#   deploy/kubernetes/configmaps.sh policies path/to/reference-manifests
set -eu
policies="${1:?usage: configmaps.sh POLICIES_DIR MANIFESTS_DIR}"
manifests="${2:?usage: configmaps.sh POLICIES_DIR MANIFESTS_DIR}"
namespace="${NAMESPACE:-placet}"
kubectl -n "$namespace" create configmap placet-policies \
  --from-file="$policies/pack.yaml" --from-file="$policies/schema" --from-file="$policies/reference" --from-file="$policies/rules" \
  --dry-run=client -o yaml | kubectl apply -f -
kubectl -n "$namespace" create configmap placet-manifests --from-file="$manifests" --dry-run=client -o yaml | kubectl apply -f -
