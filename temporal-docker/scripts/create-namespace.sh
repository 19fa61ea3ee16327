#!/bin/sh
# One-shot: waits for the frontend, then creates the namespace (or updates it) with the retention
# from TEMPORAL_RETENTION. Retention below 31 days would let the monthly sweep's closed run expire
# before the month is over, and with it the "at most once a month" guarantee.
set -eu

NS=${TEMPORAL_NAMESPACE:-default}
RETENTION=${TEMPORAL_RETENTION:-744h}

tries=0
until temporal operator cluster health >/dev/null 2>&1; do
  tries=$((tries + 1))
  if [ "$tries" -ge 60 ]; then
    echo "namespace: the frontend at $TEMPORAL_ADDRESS did not become healthy" >&2
    exit 1
  fi
  sleep 2
done

if temporal operator namespace describe --namespace "$NS" >/dev/null 2>&1; then
  echo "namespace: updating $NS (retention $RETENTION)"
  temporal operator namespace update --namespace "$NS" --retention "$RETENTION"
else
  echo "namespace: creating $NS (retention $RETENTION)"
  temporal operator namespace create --namespace "$NS" --retention "$RETENTION"
fi
temporal operator namespace describe --namespace "$NS"
