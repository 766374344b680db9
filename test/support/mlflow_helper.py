"""Line-oriented JSON bridge to MLflow's own Python client, used by the tests.

Protocol (driven by ``MlflowPy`` in scripts/mlflow-local.mjs):
  stdin : one request per line  {"id": n, "op": "...", "args": {...}}
  stdout: one answer per line   {"id": n, "ok": true, "result": ...}
                             or {"id": n, "ok": false, "error": "...", "traceback": "..."}

stdout is reserved for the protocol: file descriptor 1 is moved to a private
descriptor and fd 1 (and sys.stdout) are pointed at stderr, so MLflow's prints,
warnings and anything written by child processes end up on stderr.

The tracking server is taken from MLFLOW_TRACKING_URI, like any MLflow user would.
"""

import importlib.metadata
import json
import logging
import os
import sys
import time
import traceback
import warnings

# --- protect the protocol channel before importing anything chatty -------------
_PROTO = os.fdopen(os.dup(1), "w", buffering=1, encoding="utf-8")
os.dup2(2, 1)
sys.stdout = sys.stderr

warnings.filterwarnings("ignore")
os.environ.setdefault("MLFLOW_ENABLE_ASYNC_LOGGING", "false")
os.environ.setdefault("MLFLOW_DISABLE_TELEMETRY", "true")
os.environ.setdefault("DO_NOT_TRACK", "true")
logging.basicConfig(stream=sys.stderr, level=logging.WARNING)
for _name in ("mlflow", "alembic", "urllib3", "sklearn"):
    logging.getLogger(_name).setLevel(logging.ERROR)

import mlflow  # noqa: E402
import mlflow.sklearn  # noqa: E402
import numpy as np  # noqa: E402
from mlflow import MlflowClient  # noqa: E402
from mlflow.exceptions import MlflowException  # noqa: E402
from sklearn.linear_model import LogisticRegression  # noqa: E402

logging.getLogger("mlflow").setLevel(logging.ERROR)

client = MlflowClient()

_X = np.array([[0.0, 0.0], [0.1, 0.2], [0.2, 0.1], [1.0, 1.0], [0.9, 1.1], [1.1, 0.9]])
_Y = np.array([0, 0, 0, 1, 1, 1])

# Explicit requirements (a documented log_model option): without them MLflow infers the
# requirements by re-loading the model in a subprocess, which costs ~3 s per version.
_MLFLOW_MAJOR = int(mlflow.__version__.split(".")[0])


def _installed(dist):
    try:
        return importlib.metadata.version(dist)
    except importlib.metadata.PackageNotFoundError:
        return None


_PIP_REQUIREMENTS = [
    f"{dist}=={_installed(dist)}" for dist in ("mlflow", "scikit-learn", "skops") if _installed(dist)
]


def _is_missing(exc):
    return isinstance(exc, MlflowException) and exc.error_code == "RESOURCE_DOES_NOT_EXIST"


def _num(v):
    # JSON from JS cannot carry NaN/Infinity: accept "NaN", "Infinity", "-Infinity" (and null = NaN).
    if v is None:
        return float("nan")
    return float(v)


def _version_dict(mv):
    return {
        "name": mv.name,
        "version": str(mv.version),
        "current_stage": mv.current_stage,
        "status": mv.status,
        "run_id": mv.run_id,
        "source": mv.source,
        "tags": dict(mv.tags or {}),
        "aliases": list(mv.aliases or []),
        "description": mv.description,
    }


def _model_filter(model):
    # MLflow's filter parser takes a string literal's text as is (no escapes): quote with a
    # character the name lacks; a name with both quotes (or ending in a backslash, which the
    # tokenizer reads as escaping the closing quote) is found by LIKE with those characters
    # as `_`, and the caller keeps only the exact name.
    for quote in ("'", '"'):
        if quote not in model and not model.endswith("\\"):
            return f"name={quote}{model}{quote}"
    pattern = "".join("_" if c in "'\"\\" else c for c in model)
    return f"name LIKE '{pattern}'"


# --- ops ------------------------------------------------------------------------


def op_ping(args):
    return mlflow.__version__


def op_seed_model(args):
    model = args["model"]
    versions = args.get("versions") or []
    mlflow.set_experiment(args.get("experiment") or model)
    out = []
    for i, spec in enumerate(versions):
        t0 = time.monotonic()
        with mlflow.start_run(run_name=spec.get("run_name")) as run:
            run_id = run.info.run_id
            for name, value in (spec.get("metrics") or {}).items():
                if isinstance(value, list):
                    for pair in value:
                        mlflow.log_metric(name, _num(pair[0]), step=int(pair[1]))
                else:
                    mlflow.log_metric(name, _num(value))
            if spec.get("dataset"):
                ds = spec["dataset"]
                mlflow.log_input(
                    mlflow.data.from_numpy(np.array(ds["rows"], dtype=float), name=ds.get("name", "eval")),
                    context=ds.get("context", "eval"),
                )
            if spec.get("params"):
                mlflow.log_params(spec["params"])
            if spec.get("run_tags"):
                mlflow.set_tags(spec["run_tags"])
            clf = LogisticRegression().fit(_X, _Y)
            # MLflow 3 names the logged model with name=; MLflow 2 with artifact_path=.
            where = {"name": "model"} if _MLFLOW_MAJOR >= 3 else {"artifact_path": "model"}
            info = mlflow.sklearn.log_model(
                clf,
                **where,
                registered_model_name=model,
                pip_requirements=_PIP_REQUIREMENTS,
            )
        for m in spec.get("model_metrics") or []:
            # MLflow 3: evaluation metrics of the logged model, each on a named dataset.
            ds = m["dataset"]
            dataset = mlflow.data.from_numpy(np.array(ds["rows"], dtype=float), name=ds["name"])
            mlflow.log_metric(m["key"], _num(m["value"]), step=int(m.get("step", 0)), run_id=run_id, model_id=info.model_id, dataset=dataset)
        for name, value in (spec.get("late_metrics") or {}).items():
            # Logged after the version was registered (metrics_before_registration catches this).
            time.sleep(0.01)
            client.log_metric(run_id, name, _num(value), timestamp=int(time.time() * 1000) + 1000)
        status = spec.get("run_status") or "FINISHED"
        if status != "FINISHED":
            client.set_terminated(run_id, status)
        version = str(info.registered_model_version)
        if spec.get("stage"):
            client.transition_model_version_stage(
                model, version, spec["stage"], archive_existing_versions=False
            )
        for k, v in (spec.get("version_tags") or {}).items():
            client.set_model_version_tag(model, version, k, str(v))
        for alias in spec.get("aliases") or []:
            client.set_registered_model_alias(model, alias, version)
        mv = client.get_model_version(model, version)
        out.append(
            {
                "version": version,
                "run_id": run_id,
                "source": mv.source,
                "model_id": getattr(info, "model_id", None),
                "model_uri": info.model_uri,
                "seconds": round(time.monotonic() - t0, 3),
            }
        )
    for k, v in (args.get("model_tags") or {}).items():
        client.set_registered_model_tag(model, k, str(v))
    return out


def _classification(seed, dataset_name):
    """Generated data for a binary classifier: the training frame and labels, and the evaluation
    dataset (an mlflow.data pandas dataset with its targets, named dataset_name)."""
    import pandas as pd
    from sklearn.datasets import make_classification
    from sklearn.model_selection import train_test_split

    X, y = make_classification(n_samples=300, n_features=6, n_informative=3, flip_y=0.1, random_state=seed)
    X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.3, random_state=seed)
    columns = [f"f{i}" for i in range(X.shape[1])]
    test = pd.DataFrame(X_test, columns=columns)
    test["label"] = y_test
    dataset = mlflow.data.from_pandas(test, targets="label", name=dataset_name)
    return pd.DataFrame(X_train, columns=columns), y_train, dataset


def _numbers(metrics):
    # evaluate's counts (true_positives, ...) are numpy integers: numbers.Real, not int.
    import numbers

    return {k: (float(v) if v == v else "NaN") for k, v in metrics.items() if isinstance(v, numbers.Real)}


def op_seed_evaluated(args):
    """MLflow 3, as its docs teach: a real scikit-learn classifier trained on generated data,
    logged with mlflow.sklearn.log_model(..., registered_model_name=...), then evaluated with
    mlflow.models.evaluate(..., model_type="classifier", model_id=...) on a dataset named
    args["dataset"] (default "test"). No metric is logged by hand: evaluate names and logs them
    (accuracy_score, f1_score, ...) on the logged model, linked to the dataset, and on the run.

    args: model, seed (data and split), dataset, register ("before": log_model registers, then
    evaluate, the usual way; "after": evaluate the logged model, then mlflow.register_model),
    evaluate (false: no evaluation, the run logs `accuracy` by hand instead, as before MLflow 3), aliases.
    Returns the version, run_id, model_id, evaluate's metrics and the version's creation time."""
    if _MLFLOW_MAJOR < 3:
        raise ValueError(f"seed_evaluated needs MLflow 3 (logged models, model_id=); this is {mlflow.__version__}")
    model = args["model"]
    register = args.get("register", "before")
    X_train, y_train, dataset = _classification(int(args.get("seed", 0)), args.get("dataset") or "test")
    mlflow.set_experiment(args.get("experiment") or model)
    metrics = {}
    with mlflow.start_run() as run:
        clf = LogisticRegression(max_iter=200).fit(X_train, y_train)
        info = mlflow.sklearn.log_model(
            clf,
            name="model",
            pip_requirements=_PIP_REQUIREMENTS,
            **({"registered_model_name": model} if register == "before" else {}),
        )
        if args.get("evaluate", True):
            result = mlflow.models.evaluate(info.model_uri, dataset, model_type="classifier", model_id=info.model_id)
            metrics = _numbers(result.metrics)
        else:
            test = dataset.df
            mlflow.log_metric("accuracy", float(clf.score(test.drop(columns="label"), test["label"])))
    if register == "before":
        version = str(info.registered_model_version)
    else:
        version = str(mlflow.register_model(info.model_uri, model).version)
    for alias in args.get("aliases") or []:
        client.set_registered_model_alias(model, alias, version)
    mv = client.get_model_version(model, version)
    return {
        "version": version,
        "run_id": run.info.run_id,
        "model_id": info.model_id,
        "metrics": metrics,
        "created_at": mv.creation_timestamp,
    }


def op_evaluate_version(args):
    """Evaluates a registered version (the champion, say) as the README says, so its metrics land
    on its logged model: mlflow.models.evaluate(version.source, data, model_id=its logged model).
    args: model, version, seed and dataset as for seed_evaluated. Returns evaluate's metrics and the model_id."""
    mv = client.get_model_version(args["model"], str(args["version"]))
    model_id = mv.model_id or mv.source.removeprefix("models:/")
    _, _, dataset = _classification(int(args.get("seed", 0)), args.get("dataset") or "test")
    with mlflow.start_run(run_name=f"evaluate v{mv.version}"):
        result = mlflow.models.evaluate(mv.source, dataset, model_type="classifier", model_id=model_id)
    return {"model_id": model_id, "version_model_id": mv.model_id, "metrics": _numbers(result.metrics)}


def op_seed_light(args):
    """Versions registered straight from runs (no logged model, no artifacts): ~20 ms a version.

    args: model, experiment, versions [{metrics, stage, version_tags, aliases, run_tags}], model_tags.
    Metric values as in seed_model ("NaN", "Infinity", "-Infinity" accepted)."""
    from mlflow.entities import Metric, RunTag

    model = args["model"]
    exp_name = args.get("experiment") or "hostile-input"
    exp = client.get_experiment_by_name(exp_name)
    exp_id = exp.experiment_id if exp else client.create_experiment(exp_name)
    try:
        client.create_registered_model(model)
    except MlflowException as e:
        if e.error_code != "RESOURCE_ALREADY_EXISTS":
            raise
    out = []
    for spec in args.get("versions") or []:
        run = client.create_run(exp_id)
        run_id = run.info.run_id
        now = int(time.time() * 1000)
        metrics = [Metric(k, _num(v), now, 0) for k, v in (spec.get("metrics") or {}).items()]
        tags = [RunTag(k, str(v)) for k, v in (spec.get("run_tags") or {}).items()]
        if metrics or tags:
            client.log_batch(run_id, metrics=metrics, tags=tags)
        client.set_terminated(run_id, spec.get("run_status") or "FINISHED")
        mv = client.create_model_version(model, f"runs:/{run_id}/model", run_id=run_id)
        version = str(mv.version)
        if spec.get("stage"):
            client.transition_model_version_stage(model, version, spec["stage"], archive_existing_versions=False)
        for k, v in (spec.get("version_tags") or {}).items():
            client.set_model_version_tag(model, version, k, str(v))
        for alias in spec.get("aliases") or []:
            client.set_registered_model_alias(model, alias, version)
        out.append({"version": version, "run_id": run_id})
    for k, v in (args.get("model_tags") or {}).items():
        client.set_registered_model_tag(model, k, str(v))
    return out


def op_log_history(args):
    """Many steps of one metric in batches of 1,000 (MLflow's log_batch limit): values[i] at step i."""
    from mlflow.entities import Metric

    now = int(time.time() * 1000)
    values = args["values"]
    for start in range(0, len(values), 1000):
        chunk = [Metric(args["key"], _num(v), now + start + i, start + i) for i, v in enumerate(values[start : start + 1000])]
        client.log_batch(args["run_id"], metrics=chunk)
    return len(values)


def op_delete_run(args):
    client.delete_run(args["run_id"])
    return None


def op_create_model(args):
    """Registers a name as is (to learn whether the server accepts it)."""
    return client.create_registered_model(args["model"]).name


def op_snapshot_many(args):
    """Everything the gate could write, for each model: its tags and aliases, and each version's
    stage, status, tags and aliases. None for a model that does not exist."""
    out = {}
    for model in args["models"]:
        m = op_get_model({"model": model})
        if m is None:
            out[model] = None
            continue
        versions = op_search_versions({"model": model})
        out[model] = {
            "tags": m["tags"],
            "aliases": m["aliases"],
            "versions": {
                v["version"]: {"stage": v["current_stage"], "status": v["status"], "tags": v["tags"], "aliases": sorted(v["aliases"])}
                for v in versions
            },
        }
    return out


def op_get_version(args):
    try:
        return _version_dict(client.get_model_version(args["model"], str(args["version"])))
    except MlflowException as e:
        if _is_missing(e):
            return None
        raise


def op_search_versions(args):
    model = args["model"]
    found = []
    token = None
    while True:
        page = client.search_model_versions(
            filter_string=_model_filter(model), max_results=200, page_token=token
        )
        found.extend(mv for mv in page if mv.name == model)
        token = page.token
        if not token:
            break
    return sorted((_version_dict(mv) for mv in found), key=lambda d: int(d["version"]))


def op_get_model(args):
    try:
        rm = client.get_registered_model(args["model"])
    except MlflowException as e:
        if _is_missing(e):
            return None
        raise
    return {
        "name": rm.name,
        "tags": dict(rm.tags or {}),
        "aliases": {k: str(v) for k, v in (rm.aliases or {}).items()},
        "description": rm.description,
        "latest_versions": [_version_dict(mv) for mv in (rm.latest_versions or [])],
    }


def op_get_run(args):
    run = client.get_run(args["run_id"])
    return {
        "run_id": run.info.run_id,
        "status": run.info.status,
        "metrics": {k: (v if v == v else "NaN") for k, v in run.data.metrics.items()},
        "params": dict(run.data.params),
        "tags": dict(run.data.tags),
    }


def op_transition(args):
    mv = client.transition_model_version_stage(
        args["model"],
        str(args["version"]),
        args["stage"],
        archive_existing_versions=bool(args.get("archive_existing", False)),
    )
    return _version_dict(mv)


def op_set_version_tag(args):
    client.set_model_version_tag(args["model"], str(args["version"]), args["key"], str(args["value"]))
    return None


def op_delete_version_tag(args):
    client.delete_model_version_tag(args["model"], str(args["version"]), args["key"])
    return None


def op_set_alias(args):
    client.set_registered_model_alias(args["model"], args["alias"], str(args["version"]))
    return None


def op_delete_alias(args):
    client.delete_registered_model_alias(args["model"], args["alias"])
    return None


def op_set_model_tag(args):
    client.set_registered_model_tag(args["model"], args["key"], str(args["value"]))
    return None


def op_delete_version(args):
    client.delete_model_version(args["model"], str(args["version"]))
    return None


def op_validate_thresholds(args):
    """MLflow's own verdicts: one metric per case, through mlflow.validate_evaluation_results."""
    from mlflow.models.evaluation import EvaluationResult
    from mlflow.models.evaluation.validation import MetricThreshold, ModelValidationFailedException

    out = []
    for case in args["cases"]:
        kwargs = {"greater_is_better": bool(case["greater_is_better"])}
        for key in ("threshold", "min_absolute_change", "min_relative_change"):
            if case.get(key) is not None:
                kwargs[key] = float(case[key]) if key == "min_relative_change" else case[key]
        thresholds = {case["metric"]: MetricThreshold(**kwargs)}
        candidate = EvaluationResult(metrics=case.get("candidate") or {}, artifacts={})
        baseline = EvaluationResult(metrics=case.get("baseline") or {}, artifacts={}) if case.get("baseline") is not None else None
        try:
            mlflow.validate_evaluation_results(thresholds, candidate, baseline)
            out.append(True)
        except ModelValidationFailedException:
            out.append(False)
    return out


def op_seed_fast(args):
    """Many models quickly, as a registry that grew over time looks (seed_light for each).
    args: {"experiment", "models": [{"model", "versions": [{"metrics", "stage", "version_tags", "aliases"}], "model_tags"}]}
    (a model that exists already gets the new versions)."""
    experiment = args.get("experiment") or "seed-fast"
    return [
        {
            "model": spec["model"],
            "versions": op_seed_light(
                {"model": spec["model"], "experiment": experiment, "versions": spec.get("versions"), "model_tags": spec.get("model_tags")}
            ),
        }
        for spec in args["models"]
    ]


def op_snapshot(args):
    """What MLflow's own client reads of a model: its tags and aliases, and every version's stage, tags and run
    (the fault sweep keys requests by the version whose run they name)."""
    model = args["model"]
    try:
        rm = client.get_registered_model(model)
    except MlflowException as e:
        if _is_missing(e):
            return None
        raise
    versions = op_search_versions({"model": model})
    return {
        "tags": dict(rm.tags or {}),
        "aliases": {k: str(v) for k, v in (rm.aliases or {}).items()},
        "versions": {
            v["version"]: {"stage": v["current_stage"], "status": v["status"], "tags": v["tags"], "run_id": v["run_id"]}
            for v in versions
        },
    }


OPS = {name[3:]: fn for name, fn in globals().items() if name.startswith("op_") and callable(fn)}


def _send(obj):
    _PROTO.write(json.dumps(obj, allow_nan=False, default=str) + "\n")
    _PROTO.flush()


def main():
    for line in sys.stdin:
        line = line.strip()
        if not line:
            continue
        req_id = None
        try:
            req = json.loads(line)
            req_id = req.get("id")
            op = req.get("op")
            fn = OPS.get(op)
            if fn is None:
                raise ValueError(f"unknown op {op!r}; known: {sorted(OPS)}")
            result = fn(req.get("args") or {})
            _send({"id": req_id, "ok": True, "result": result})
        except BaseException as e:  # noqa: BLE001 - every failure must reach the caller
            if isinstance(e, KeyboardInterrupt):
                raise
            tb = traceback.format_exc()
            print(tb, file=sys.stderr, flush=True)
            _send({"id": req_id, "ok": False, "error": f"{type(e).__name__}: {e}", "traceback": tb})


if __name__ == "__main__":
    main()
