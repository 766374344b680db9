"""The benchmark's gate job over MLflow's REST API with plain `requests` (no MLflow client), so
the comparison is not only MLflow's import time. The same checks and writes as the Action (see
gate_common.py). MLFLOW_TRACKING_URI names the server.
"""

import json
import os
import sys

import requests

import gate_common


def _version(mv):
    return {
        "version": str(mv["version"]),
        "stage": mv.get("current_stage") or "None",
        "status": mv.get("status") or "READY",
        "run_id": mv.get("run_id") or None,
        "tags": {t["key"]: t.get("value", "") for t in mv.get("tags") or []},
    }


def _quote(value):
    return "'" + value.replace("\\", "\\\\").replace("'", "\\'") + "'"


class RequestsBackend:
    def __init__(self, uri):
        self.base = uri.rstrip("/") + "/api/2.0/mlflow/"
        self.http = requests.Session()

    def _call(self, method, path, params=None, body=None, missing_ok=False):
        res = self.http.request(method, self.base + path, params=params, json=body, timeout=30)
        if missing_ok and res.status_code == 404 and res.json().get("error_code") == "RESOURCE_DOES_NOT_EXIST":
            return None
        if res.status_code != 200:
            raise RuntimeError(f"{method} {path} -> {res.status_code}: {res.text[:300]}")
        return res.json()

    def get_registered_model(self, name):
        m = self._call("GET", "registered-models/get", {"name": name})["registered_model"]
        return {"tags": {t["key"]: t.get("value", "") for t in m.get("tags") or []}, "aliases": {a["alias"]: a["version"] for a in m.get("aliases") or []}}

    def search_model_names(self, prefix):
        names, token = [], None
        while True:
            res = self._call("GET", "registered-models/search", {"filter": f"name LIKE {_quote(prefix + '%')}", "max_results": 1000, **({"page_token": token} if token else {})})
            names.extend(m["name"] for m in res.get("registered_models") or [])
            token = res.get("next_page_token")
            if not token:
                return names

    def search_versions(self, name):
        found, token = [], None
        while True:
            res = self._call("GET", "model-versions/search", {"filter": f"name={_quote(name)}", "max_results": 1000, **({"page_token": token} if token else {})})
            found.extend(_version(mv) for mv in res.get("model_versions") or [])
            token = res.get("next_page_token")
            if not token:
                return found

    def get_version(self, name, version):
        res = self._call("GET", "model-versions/get", {"name": name, "version": version}, missing_ok=True)
        return _version(res["model_version"]) if res else None

    def get_run(self, run_id):
        run = self._call("GET", "runs/get", {"run_id": run_id})["run"]
        metrics = {m["key"]: float(m["value"]) for m in (run.get("data") or {}).get("metrics") or []}
        return {"status": run["info"].get("status"), "metrics": metrics}

    def set_version_tag(self, name, version, key, value):
        self._call("POST", "model-versions/set-tag", body={"name": name, "version": version, "key": key, "value": value})

    def delete_version_tag(self, name, version, key):
        self._call("DELETE", "model-versions/delete-tag", body={"name": name, "version": version, "key": key})

    def transition(self, name, version, stage, archive_existing):
        self._call("POST", "model-versions/transition-stage", body={"name": name, "version": version, "stage": stage, "archive_existing_versions": archive_existing})

    def set_model_tag(self, name, key, value):
        self._call("POST", "registered-models/set-tag", body={"name": name, "key": key, "value": value})


if __name__ == "__main__":
    results, code = gate_common.run_job(RequestsBackend(os.environ["MLFLOW_TRACKING_URI"]), gate_common.parse_args())
    print(json.dumps(results))
    sys.exit(code)
