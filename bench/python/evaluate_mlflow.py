"""The benchmark's baseline for `evaluate`: deciding one version the way the seed articles teach it.

MlflowClient's get_model_version, then get_run for its run, then the thresholds compared
(accuracy >= 0.90 and f1 >= 0.88, the benchmark's policy), the decision printed. Decision only:
nothing is written (the articles' `transition_model_version_stage` / `set_model_version_tag` are
what `promote` does; its baseline is gate_mlflow.py). MLFLOW_TRACKING_URI names the server.

    python bench/python/evaluate_mlflow.py --model churn --version 2
    python bench/python/evaluate_mlflow.py --model churn --version 2 --mean accuracy

--mean METRIC takes that metric as the mean of its whole history (get_metric_history), as a
policy rule with `aggregate: mean` does. Prints one JSON line {"decision": "passed" | "rejected", ...};
exit code 0 passed, 1 rejected.
"""

import argparse
import json
import sys

from mlflow import MlflowClient

THRESHOLDS = {"accuracy": 0.90, "f1": 0.88}


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--model", required=True)
    p.add_argument("--version", required=True)
    p.add_argument("--mean", action="append", default=[], help="metric taken as the mean of its history")
    args = p.parse_args()

    client = MlflowClient()
    version = client.get_model_version(args.model, args.version)
    run = client.get_run(version.run_id)
    metrics = dict(run.data.metrics)
    for key in args.mean:
        history = client.get_metric_history(run.info.run_id, key)
        metrics[key] = sum(m.value for m in history) / len(history) if history else None

    failed = [k for k, minimum in THRESHOLDS.items() if metrics.get(k) is None or not metrics[k] >= minimum]
    decision = "rejected" if failed else "passed"
    print(json.dumps({"decision": decision, "version": str(version.version), "metrics": {k: metrics.get(k) for k in THRESHOLDS},
                      "failed": failed}))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
