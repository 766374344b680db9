"""The gate job of the benchmark, in Python: the checks and the writes the Action makes.

Shared by gate_mlflow.py (MLflow's MlflowClient, from `mlflow` or `mlflow-skinny`) and
gate_requests.py (plain `requests`); each gives a backend with the same few methods.
It does what `promote` mode of the Action does for the policies the benchmark uses
(metric rules written as ">= 0.9", a stage target), and the same writes, byte for byte:

- reads: the registered model and its versions, then the candidate's run;
- checks: READY, the run FINISHED, every metric rule (all of them, never only the first);
- just before writing: the candidate and the target's holders read again (conflict if changed);
- writes: the evidence tags (validation, mlflow_gate.checks, mlflow_gate.policy; failed_checks
  removed) with the target's ledger record begun (mlflow_gate.record.stage_Production:
  {"target","previous","rule_hash"}), the stage transition archiving the old holder, then the
  whole record ({"target","decision","previous","at","by","run_url","commit","rule_hash"},
  compact JSON, absent fields omitted) and the model's mlflow_gate.history; a rejection writes
  its tags (its record among them) only; only tags whose value changes are written;
- a rerun writes nothing, but completes a record an earlier run left begun (its absent fields
  only); a version is never moved down a stage (skipped); records of the single-record layout
  of earlier releases are read as the record of the target they name;
- a read-back of what was written.

Like an ordinary script it makes its calls one after another. What it does not cover
(object rules, compare rules, aliases, copies) raises NotImplementedError.
"""

import datetime
import decimal
import hashlib
import json
import math
import os
import re

import yaml

HISTORY = "mlflow_gate.history"
RECORD_PREFIX = "mlflow_gate.record."
# A record's fields as its JSON names them, in the order they are written (core/ledger.ts FIELDS).
RECORD_FIELDS = ("target", "decision", "previous", "at", "by", "run_url", "commit", "rule_hash", "reason",
                 "previous_alias", "superseded_by")
DECIDED = ("promoted", "rejected", "restored", "rolled-back", "superseded")
MAX_RECORD_VALUE = 1000
MAX_PREVIOUS = 20
MAX_RECORD_REASON = 400
# The single record per version of earlier releases: read, never written.
LEGACY_LEDGER = {
    "decision": "mlflow_gate.decision",
    "target": "mlflow_gate.target",
    "previous": "mlflow_gate.previous_version",
    "at": "mlflow_gate.decided_at",
    "by": "mlflow_gate.decided_by",
    "run_url": "mlflow_gate.run_url",
    "commit": "mlflow_gate.commit",
    "rule_hash": "mlflow_gate.rule_hash",
    "reason": "mlflow_gate.reason",
    "superseded_by": "mlflow_gate.superseded_by",
}
VALIDATION = "validation"
CHECKS = "mlflow_gate.checks"
FAILED_CHECKS = "mlflow_gate.failed_checks"
POLICY = "mlflow_gate.policy"
MAX_TAG_VALUE = 5000
HISTORY_MAX = 20

_THRESHOLD = re.compile(r"^\s*(>=|<=|==|!=|>|<)\s*([-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?)\s*$")
_OPS = {
    ">=": lambda a, b: a >= b,
    ">": lambda a, b: a > b,
    "<=": lambda a, b: a <= b,
    "<": lambda a, b: a < b,
    "==": lambda a, b: a == b,
    "!=": lambda a, b: a != b,
}


class Conflict(Exception):
    """The registry changed between the decision and the writes, or after them."""


# --- numbers and JSON as JavaScript writes them ------------------------------------


def js_number(n):
    """String(Number(n.toPrecision(12))): the Action's formatNumber."""
    if math.isnan(n):
        return "NaN"
    if math.isinf(n):
        return "Infinity" if n > 0 else "-Infinity"
    x = float(f"{n:.12g}")
    if x == 0:
        return "0"
    if x.is_integer() and abs(x) < 1e21:
        return str(int(x))
    r = repr(x)
    if "e" not in r:
        return r
    mantissa, exp = r.split("e")
    e = int(exp)
    if -7 < e < 21:  # JavaScript writes these without an exponent
        return format(decimal.Decimal(r), "f")
    return f"{mantissa}e{'+' if e > 0 else '-'}{abs(e)}"


def js_json(value):
    """JSON.stringify without spaces; keys in insertion order."""
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False, allow_nan=False)


def canonical_json(value):
    """The ledger's canonicalJson: sorted keys at every level."""
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False, sort_keys=True, allow_nan=False)


# --- the policy ----------------------------------------------------------------------


def glob_matches(pattern, name):
    return re.fullmatch("".join(".*" if c == "*" else "." if c == "?" else re.escape(c) for c in pattern), name) is not None


def is_glob(pattern):
    return "*" in pattern or "?" in pattern


def load_policy(path):
    with open(path, encoding="utf-8") as f:
        return yaml.safe_load(f)


def resolve_policy(raw, model):
    """The rules for one model: defaults, the top level, then the model's entry (exact name, else the first glob)."""
    layers = [raw.get("defaults") or {}, {k: raw[k] for k in ("target", "candidate", "metrics", "on_reject") if k in raw}]
    models = raw.get("models") or {}
    if model in models:
        layers.append(models[model])
    else:
        for pattern, rules in models.items():
            if is_glob(pattern) and glob_matches(pattern, model):
                layers.append(rules)
                break
    target, candidate, on_reject, metrics = {}, {"tags": {}}, {}, {}
    for layer in layers:
        target.update(layer.get("target") or {})
        cand = layer.get("candidate") or {}
        candidate = {**candidate, **cand, "tags": {**candidate["tags"], **(cand.get("tags") or {})}}
        on_reject.update((layer.get("on_reject") or {}).get("tags") or {})
        metrics.update(layer.get("metrics") or {})
    if not metrics:
        raise ValueError(f'no metric rules apply to model "{model}"')
    if target.get("alias") or target.get("model") or target.get("previous_alias"):
        raise NotImplementedError("the benchmark's Python gate handles stage targets only")
    if set(candidate) - {"tags", "run_status"} or candidate["tags"]:
        raise NotImplementedError("the benchmark's Python gate handles candidate.run_status only")
    rules = []
    for metric, text in metrics.items():
        if not isinstance(text, str):
            raise NotImplementedError(f"metrics.{metric}: the benchmark's Python gate handles rules written as strings only")
        m = _THRESHOLD.match(text)
        if not m:
            raise ValueError(f'metrics.{metric}: bad threshold "{text}"')
        op, value = m.group(1), float(m.group(2))
        value = int(value) if value.is_integer() else value
        rule = {"metric": metric, "bounds": [{"op": op, "value": value}], "required": True}
        if op in (">=", ">"):
            rule["greaterIsBetter"] = True
        elif op in ("<=", "<"):
            rule["greaterIsBetter"] = False
        rule["aggregate"] = "latest"
        rule["text"] = f"{op} {js_number(value)}"
        rules.append(rule)
    return {
        "model": model,
        "target": {"stage": target.get("stage", "Production"), "archiveExisting": target.get("archive_existing", True)},
        "candidate": {"runStatus": candidate.get("run_status", "FINISHED"), "tags": {}, "metricsBeforeRegistration": False},
        "metrics": rules,
        "onReject": {"tags": on_reject},
    }


def rule_hash(policy):
    """sha256 of the canonical rules that applied (metrics sorted by name), as the ledger writes it."""
    rules = {**policy, "metrics": sorted(policy["metrics"], key=lambda r: r["metric"])}
    return "sha256:" + hashlib.sha256(canonical_json(rules).encode("utf-8")).hexdigest()[:16]


def target_key(policy):
    return f"stage:{policy['target']['stage']}"


# --- the ledger context, from the runner's environment -----------------------------------


def ledger_context():
    env = os.environ
    run_url = None
    if env.get("GITHUB_SERVER_URL") and env.get("GITHUB_REPOSITORY") and env.get("GITHUB_RUN_ID"):
        run_url = f"{env['GITHUB_SERVER_URL']}/{env['GITHUB_REPOSITORY']}/actions/runs/{env['GITHUB_RUN_ID']}"
    now = datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="milliseconds").replace("+00:00", "Z")
    return {"now": now, "actor": env.get("GITHUB_ACTOR"), "run_url": run_url, "sha": env.get("GITHUB_SHA")}


def record_key(target):
    """The tag of a target's record (core/ledger.ts recordKey): `stage:Production` -> mlflow_gate.record.stage_Production."""
    plain = target.replace("+", "__").replace(":", "_")
    if re.fullmatch(r"[\w-]+", plain, re.ASCII) and len(plain) <= 120 and "__" not in target:
        return RECORD_PREFIX + plain
    digest = hashlib.sha256(target.encode("utf-8")).hexdigest()[:12]
    readable = re.sub(r"[^\w-]+", "_", plain, flags=re.ASCII)[:100]
    return f"{RECORD_PREFIX}{readable}_{digest}"


def format_record(record):
    """The record as its tag's value: compact JSON in the fixed field order, absent fields omitted, at most 1,000 characters."""
    def text(reason_length, previous):
        out = {}
        for name in RECORD_FIELDS:
            value = record.get(name)
            if name == "previous":
                value = record["previous"][-previous:] if record["previous"] else []
            elif name == "reason" and value is not None:
                value = value[:reason_length]
            if value is not None:
                out[name] = value
        return js_json(out)

    value = text(MAX_RECORD_REASON, MAX_PREVIOUS)
    cut = 1
    while len(value) > MAX_RECORD_VALUE and cut <= 5:
        value = text(MAX_RECORD_REASON >> cut, MAX_PREVIOUS >> cut)
        cut += 1
    # a target that long leaves room for the decision's own facts only: no reason, the newest previous holder
    return value if len(value) <= MAX_RECORD_VALUE else text(0, 1).replace(',"reason":""', "", 1)


def parse_record(value):
    """A record tag's value, or None when it is not one."""
    if not value:
        return None
    try:
        data = json.loads(value)
    except ValueError:
        return None
    if not isinstance(data, dict) or not isinstance(data.get("target"), str):
        return None
    previous = data.get("previous")
    record = {"target": data["target"], "previous": [v for v in previous if isinstance(v, str)] if isinstance(previous, list) else []}
    for name in RECORD_FIELDS:
        if name in ("target", "previous") or not isinstance(data.get(name), str):
            continue
        if name != "decision" or data[name]:  # a decision this build does not know is kept as it is
            record[name] = data[name]
    return record


def legacy_record(tags):
    target, decision = tags.get(LEGACY_LEDGER["target"]), tags.get(LEGACY_LEDGER["decision"])
    if not target or decision not in DECIDED:
        return None
    record = {"target": target, "decision": decision,
              "previous": [v for v in tags.get(LEGACY_LEDGER["previous"], "").split(",") if v]}
    for name in ("at", "by", "run_url", "commit", "rule_hash", "reason", "superseded_by"):
        if LEGACY_LEDGER[name] in tags:
            record[name] = tags[LEGACY_LEDGER[name]]
    return record


def record_for(tags, target):
    """The version's record for this target (a record tag, else the single-record layout naming it)."""
    own = parse_record(tags.get(record_key(target)))
    if own and own["target"] == target:
        return own
    legacy = legacy_record(tags)
    return legacy if legacy and legacy["target"] == target else None


def new_record(entry, ctx):
    """A record of a decision made now: the entry, then when, who, the run and the commit."""
    record = {**entry, "at": ctx["now"], "by": ctx["actor"] or "unknown"}
    if ctx["run_url"]:
        record["run_url"] = ctx["run_url"]
    if ctx["sha"]:
        record["commit"] = ctx["sha"]
    return record


def completed(begun, whole):
    """A begun record completed: its present fields kept, the absent ones filled from `whole`."""
    return {**whole, **{k: v for k, v in begun.items() if v is not None}}


def stage_rank(stage):
    s = stage.lower()
    return 2 if s == "production" else 1 if s == "staging" else 0


def parse_history(raw):
    try:
        parsed = json.loads(raw) if raw else []
    except ValueError:
        return []
    return [e for e in parsed if isinstance(e, dict) and isinstance(e.get("version"), str)] if isinstance(parsed, list) else []


def append_history(history, entry):
    entries = [entry, *history][:HISTORY_MAX]
    text = js_json(entries)
    while len(text) > MAX_TAG_VALUE and len(entries) > 1:
        entries = entries[:-1]
        text = js_json(entries)
    return text


# --- evaluation ------------------------------------------------------------------------


def clip(text):
    suffix = " ... (truncated)"
    return text if len(text) <= MAX_TAG_VALUE else text[: MAX_TAG_VALUE - len(suffix)] + suffix


def evaluate(policy, run_metrics):
    checks = []
    for rule in policy["metrics"]:
        metric, bound = rule["metric"], rule["bounds"][0]
        value = run_metrics.get(metric)
        if value is None:
            checks.append({"metric": metric, "rule": rule["text"], "observed": None, "verdict": "missing",
                           "message": f"{metric} is missing from the run; the policy requires {rule['text']}"})
            continue
        if math.isnan(value):
            checks.append({"metric": metric, "rule": rule["text"], "observed": value, "verdict": "fail",
                           "message": f"{metric} is NaN, which meets no threshold"})
            continue
        if _OPS[bound["op"]](value, bound["value"]):
            checks.append({"metric": metric, "rule": rule["text"], "observed": value, "verdict": "pass",
                           "message": f"{metric} = {js_number(value)} meets {rule['text']}"})
        else:
            by = "" if bound["op"] in ("==", "!=") else f" by {js_number(abs(value - bound['value']))}"
            checks.append({"metric": metric, "rule": rule["text"], "observed": value, "verdict": "fail",
                           "message": f"{metric} = {js_number(value)} fails {bound['op']} {js_number(bound['value'])}{by}"})
    return checks


def checks_tag(checks):
    return clip("; ".join(f"{c['metric']}={'missing' if c['observed'] is None else js_number(c['observed'])} ({c['rule']}) {c['verdict']}" for c in checks))


def plan_tags(version, desired):
    """Only the tag writes that change something: [("set", key, value) | ("delete", key, None)]."""
    ops = []
    for key, value in desired.items():
        current = version["tags"].get(key)
        if value is None:
            if current is not None:
                ops.append(("delete", key, None))
        elif current != value:
            ops.append(("set", key, value))
    return ops


def stage_holders(stage, versions):
    return sorted((v for v in versions if v["stage"].lower() == stage.lower()), key=lambda v: int(v["version"]))


# --- one decision -------------------------------------------------------------------------


def gate_version(backend, policy, policy_file, model, version, registered, versions, ctx):
    """Decide one version and make its writes. `registered` and `versions` were read by the caller."""
    stage = policy["target"]["stage"]
    target = target_key(policy)
    rhash = rule_hash(policy)
    candidate = next((v for v in versions if v["version"] == str(version)), None)
    if candidate is None:
        raise ValueError(f"version {version} of model {model} does not exist")
    holders = stage_holders(stage, versions)
    previous = sorted({h["version"] for h in holders} - {candidate["version"]}, key=int)
    if candidate["status"] != "READY":
        return {"decision": "skipped", "version": candidate["version"], "writes": 0}
    run = backend.get_run(candidate["run_id"]) if candidate.get("run_id") else None
    checks = evaluate(policy, run["metrics"] if run else {})
    failed = [c for c in checks if c["verdict"] in ("fail", "missing")]
    history = parse_history(registered["tags"].get(HISTORY))
    key = record_key(target)
    # A move this gate began (its record begun, no decision): what it replaces is what that run knew.
    before = record_for(candidate["tags"], target)
    resuming = before is not None and "decision" not in before
    # What is known before the move (what it replaces, the rule): written with the evidence.
    begun = {"target": target, "previous": before["previous"] if resuming else previous, "rule_hash": rhash}

    evidence, structural, record, model_tags = [], [], [], []

    def record_writes(v, rec):
        """The record after the move, and the history (unless its newest entry is this promotion already)."""
        tags = [("set", key, format_record(rec))]
        first = history[0] if history else None
        if first and first.get("version") == v["version"] and first.get("target") == target and first.get("decision") == "promoted":
            return tags, []
        entry = {"version": v["version"], "decision": "promoted", "target": target, "previous": rec["previous"],
                 "at": rec.get("at", ctx["now"]), "by": rec.get("by", "unknown")}
        return tags, [(HISTORY, append_history(history, entry))]

    if candidate["stage"].lower() == stage.lower():
        decision = "already-promoted"
        earlier = before
        if earlier is None or "decision" in earlier:
            # decided already (or moved there by hand): a rerun writes nothing
            return {"decision": decision, "version": candidate["version"], "writes": 0}
        # an earlier run moved it but stopped before the record was whole: completed, its present fields kept
        whole = new_record({"target": target, "decision": "promoted", "previous": earlier["previous"], "rule_hash": rhash}, ctx)
        record, model_tags = record_writes(candidate, completed(earlier, whole))
    elif stage_rank(stage) < stage_rank(candidate["stage"]):
        # a gate never moves a version down
        return {"decision": "skipped", "version": candidate["version"], "writes": 0}
    elif policy["candidate"]["runStatus"] != "any" and (run is None or run["status"] != policy["candidate"]["runStatus"]):
        return {"decision": "skipped", "version": candidate["version"], "writes": 0}
    elif not failed:
        decision = "promoted"
        evidence = plan_tags(candidate, {VALIDATION: "passed", CHECKS: checks_tag(checks), POLICY: policy_file, FAILED_CHECKS: None,
                                         key: format_record(begun)})
        structural = [("transition", stage, policy["target"]["archiveExisting"])]
        record, model_tags = record_writes(candidate, new_record({**begun, "decision": "promoted"}, ctx))
    else:
        decision = "rejected"
        earlier = record_for(candidate["tags"], target)
        recorded = (earlier is not None and earlier.get("decision") == "rejected" and earlier.get("rule_hash") == rhash
                    and earlier["previous"] == previous)
        ledger = {} if recorded else {
            key: format_record(new_record({"target": target, "decision": "rejected", "previous": previous, "rule_hash": rhash}, ctx))}
        evidence = plan_tags(candidate, {
            **policy["onReject"]["tags"],
            **ledger,
            VALIDATION: "failed",
            CHECKS: checks_tag(checks),
            FAILED_CHECKS: clip("; ".join(c["message"] for c in failed)),
            POLICY: policy_file,
        })

    ops = len(evidence) + len(structural) + len(record) + len(model_tags)
    if ops == 0:
        return {"decision": decision, "version": candidate["version"], "writes": 0}

    # Just before writing: the candidate and the target's holders, again.
    now = backend.get_version(model, candidate["version"])
    holders_now = stage_holders(stage, backend.search_versions(model))
    if now is None or now["stage"] != candidate["stage"] or [h["version"] for h in holders_now] != [h["version"] for h in holders]:
        raise Conflict(f"the registry changed while deciding {model} v{candidate['version']}; nothing was written")

    v = candidate["version"]
    for kind, key, value in evidence:
        if kind == "set":
            backend.set_version_tag(model, v, key, value)
        else:
            backend.delete_version_tag(model, v, key)
    for _kind, to_stage, archive in structural:
        backend.transition(model, v, to_stage, archive)
    for _kind, key, value in record:
        backend.set_version_tag(model, v, key, value)
    for key, value in model_tags:
        backend.set_model_tag(model, key, value)

    # Read back: the decision reported is what the registry holds.
    after = backend.get_version(model, v)
    # Each tag as last written (the record overwrites the begun record written with the evidence).
    expected = {k: (kind, val) for kind, k, val in [*evidence, *record]}
    wrong = [k for k, (kind, val) in expected.items() if (after["tags"].get(k) != val if kind == "set" else k in after["tags"])]
    if structural and after["stage"].lower() != stage.lower():
        wrong.append("stage")
    if model_tags:
        tags_after = backend.get_registered_model(model)["tags"]
        wrong += [k for k, val in model_tags if tags_after.get(k) != val]
    if wrong:
        raise Conflict(f"after writing, {model} v{v} does not hold what was decided: {', '.join(wrong)}")
    return {"decision": decision, "version": v, "writes": ops, "checks": [c["message"] for c in checks]}


def pending_versions(versions, stage):
    """READY, newer than the newest holder, not yet decided for this target by the ledger (a begun record is undecided); newest first."""
    holders = stage_holders(stage, versions)
    newest = int(holders[-1]["version"]) if holders else 0
    target = f"stage:{stage}"
    pending = [v for v in versions if v["status"] == "READY" and int(v["version"]) > newest
               and "decision" not in (record_for(v["tags"], target) or {})]
    return sorted(pending, key=lambda v: int(v["version"]), reverse=True)


def run_job(backend, args):
    """The job: one decision (--model, --version) or a scheduled run over --models patterns. Returns (results, exit code)."""
    raw = load_policy(args.policy)
    ctx = ledger_context()
    if args.models:
        patterns = [p.strip() for p in args.models.splitlines() if p.strip()]
        names = set(p for p in patterns if not is_glob(p))
        for prefix in {re.split(r"[*?]", p)[0] for p in patterns if is_glob(p)}:
            names.update(n for n in backend.search_model_names(prefix) if any(is_glob(p) and glob_matches(p, n) for p in patterns))
        results = []
        for model in sorted(names):  # one after another, as a script does
            policy = resolve_policy(raw, model)
            registered = backend.get_registered_model(model)
            versions = backend.search_versions(model)
            last = {"model": model, "decision": "skipped", "writes": 0}
            for v in pending_versions(versions, policy["target"]["stage"]):
                last = {"model": model, **gate_version(backend, policy, args.policy, model, v["version"], registered, versions, ctx)}
                if last["decision"] in ("promoted", "passed", "already-promoted"):
                    break
            results.append(last)
        return results, 0
    model = args.model or raw.get("model")
    policy = resolve_policy(raw, model)
    registered = backend.get_registered_model(model)
    versions = backend.search_versions(model)
    version = args.version
    if version == "latest":
        version = max(versions, key=lambda v: int(v["version"]))["version"]
    result = {"model": model, **gate_version(backend, policy, args.policy, model, version, registered, versions, ctx)}
    return [result], 1 if result["decision"] in ("rejected", "skipped") else 0


def parse_args(argv=None):
    import argparse

    p = argparse.ArgumentParser(description="The benchmark's gate job in Python (MLFLOW_TRACKING_URI names the server).")
    p.add_argument("--policy", required=True, help="policy file, relative to the working directory (recorded in mlflow_gate.policy)")
    p.add_argument("--model")
    p.add_argument("--version", default="latest")
    p.add_argument("--models", help="scheduled: names or globs, one a line")
    return p.parse_args(argv)
