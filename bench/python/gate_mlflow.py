"""The benchmark's gate job with MLflow's own Python client (MlflowClient), as a script in a
workflow would do it: `pip install mlflow` (or `mlflow-skinny`), then this. The same checks and
writes as the Action (see gate_common.py). MLFLOW_TRACKING_URI names the server.

    python bench/python/gate_mlflow.py --policy .github/promotion-policy.yml --model churn --version 2
    python bench/python/gate_mlflow.py --policy .github/promotion-policy.yml --models 'churn-*'
"""

import json
import sys

from mlflow import MlflowClient
from mlflow.exceptions import MlflowException

import gate_common


def _version(mv):
    return {
        "version": str(mv.version),
        "stage": mv.current_stage or "None",
        "status": mv.status or "READY",
        "run_id": mv.run_id or None,
        "tags": dict(mv.tags or {}),
    }


def _quote(value):
    return "'" + value.replace("\\", "\\\\").replace("'", "\\'") + "'"


class MlflowClientBackend:
    def __init__(self):
        self.client = MlflowClient()

    def get_registered_model(self, name):
        rm = self.client.get_registered_model(name)
        return {"tags": dict(rm.tags or {}), "aliases": dict(rm.aliases or {})}

    def search_model_names(self, prefix):
        names, token = [], None
        while True:
            page = self.client.search_registered_models(filter_string=f"name LIKE {_quote(prefix + '%')}", max_results=1000, page_token=token)
            names.extend(m.name for m in page)
            token = page.token
            if not token:
                return names

    def search_versions(self, name):
        found, token = [], None
        while True:
            page = self.client.search_model_versions(filter_string=f"name={_quote(name)}", max_results=1000, page_token=token)
            found.extend(_version(mv) for mv in page)
            token = page.token
            if not token:
                return found

    def get_version(self, name, version):
        try:
            return _version(self.client.get_model_version(name, version))
        except MlflowException as e:
            if e.error_code == "RESOURCE_DOES_NOT_EXIST":
                return None
            raise

    def get_run(self, run_id):
        run = self.client.get_run(run_id)
        return {"status": run.info.status, "metrics": dict(run.data.metrics)}

    def set_version_tag(self, name, version, key, value):
        self.client.set_model_version_tag(name, version, key, value)

    def delete_version_tag(self, name, version, key):
        self.client.delete_model_version_tag(name, version, key)

    def transition(self, name, version, stage, archive_existing):
        self.client.transition_model_version_stage(name, version, stage, archive_existing_versions=archive_existing)

    def set_model_tag(self, name, key, value):
        self.client.set_registered_model_tag(name, key, value)


if __name__ == "__main__":
    results, code = gate_common.run_job(MlflowClientBackend(), gate_common.parse_args())
    print(json.dumps(results))
    sys.exit(code)
