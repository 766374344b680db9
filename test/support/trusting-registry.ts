// A deliberately broken registry wrapper for the fault sweep's "the checker can fail" test:
// it trusts its writes. A write that fails is taken as done (no error, so no read-back of
// what happened), and every later read shows the writes as made, so the gate's read-back
// sees what it asked for rather than what the registry holds. The real Action must never
// behave like this; the sweep must catch it.
import type { ModelVersion, Registry, RegistryOp } from '../../src/core/registry-model.js';

export function trustingRegistry(inner: Registry): Registry {
  const written: RegistryOp[] = [];
  const overlayVersion = (v: ModelVersion): ModelVersion => {
    let out = { ...v, tags: { ...v.tags } };
    for (const op of written) {
      if (!('version' in op) || op.model !== v.name || op.version !== v.version) continue;
      if (op.kind === 'set-tag') out.tags[op.key] = op.value;
      if (op.kind === 'delete-tag') delete out.tags[op.key];
      if (op.kind === 'transition-stage') out = { ...out, stage: op.stage };
    }
    return out;
  };
  return {
    url: inner.url,
    supportsStages: inner.supportsStages,
    supportsAliases: inner.supportsAliases,
    searchModelNames: (p) => inner.searchModelNames(p),
    getRun: (id) => inner.getRun(id),
    metricHistoryPages: (id, key) => inner.metricHistoryPages(id, key),
    getLoggedModelMetrics: (id) => inner.getLoggedModelMetrics(id),
    async getRegisteredModel(name) {
      const m = await inner.getRegisteredModel(name);
      if (!m) return m;
      const out = { ...m, aliases: { ...m.aliases }, tags: { ...m.tags } };
      for (const op of written) {
        if (op.kind === 'set-alias' && op.model === name) out.aliases[op.alias] = op.version;
        if (op.kind === 'delete-alias' && op.model === name) delete out.aliases[op.alias];
        if (op.kind === 'set-model-tag' && op.model === name) out.tags[op.key] = op.value;
      }
      return out;
    },
    async searchModelVersions(name) {
      return (await inner.searchModelVersions(name)).map(overlayVersion);
    },
    async getModelVersion(name, version) {
      const v = await inner.getModelVersion(name, version);
      return v ? overlayVersion(v) : v;
    },
    async apply(op) {
      written.push(op);
      try {
        return await inner.apply(op);
      } catch {
        return {}; // trusted: as if it had landed
      }
    },
  };
}
