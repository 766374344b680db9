"""MLflow's own Python client against the Databricks recorder (test/support/databricks-recorder.mjs).

Usage: python databricks_reference.py REGISTRY_URI '<json list of ops>'
  REGISTRY_URI: databricks-uc (Unity Catalog) or databricks (the workspace registry)
  each op: {"op": "<MlflowClient method>", "args": [...], "kwargs": {...}}
Prints one JSON line: [{"ok": true} | {"ok": false, "error": "..."}, ...], one per op (an op
MLflow's client refuses is an answer too: the tests name it). The workspace is DATABRICKS_HOST
with DATABRICKS_TOKEN (or OAuth M2M variables), as any Databricks user sets them.
"""

import json
import logging
import os
import sys
import warnings

warnings.filterwarnings("ignore")
os.environ.setdefault("MLFLOW_DISABLE_TELEMETRY", "true")
os.environ.setdefault("DO_NOT_TRACK", "true")
# Fail fast against the recorder: no long retry budgets.
os.environ.setdefault("MLFLOW_HTTP_REQUEST_MAX_RETRIES", "0")
logging.basicConfig(stream=sys.stderr, level=logging.WARNING)

from mlflow import MlflowClient  # noqa: E402


def main() -> None:
    registry_uri = sys.argv[1]
    ops = json.loads(sys.argv[2])
    client = MlflowClient(tracking_uri="databricks", registry_uri=registry_uri)
    out = []
    for op in ops:
        try:
            getattr(client, op["op"])(*op.get("args", []), **op.get("kwargs", {}))
            out.append({"ok": True})
        except Exception as e:  # noqa: BLE001 - the answer is the point
            out.append({"ok": False, "error": f"{type(e).__name__}: {e}"})
    print(json.dumps(out))


if __name__ == "__main__":
    main()
