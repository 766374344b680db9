// Checks recorded requests against GitHub's published OpenAPI description (@octokit/openapi):
// the path and method exist, query parameters are declared, and the JSON body validates
// against the operation's request schema. Returns every problem found.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { Ajv } from 'ajv';

interface Operation {
  parameters?: Array<{ name: string; in: string }>;
  requestBody?: { content: Record<string, { schema: object }> };
}
type Spec = { paths: Record<string, Record<string, Operation>> };

let spec: Spec | undefined;
function load(): Spec {
  if (!spec) {
    const dir = path.dirname(createRequire(import.meta.url).resolve('@octokit/openapi/package.json'));
    spec = JSON.parse(readFileSync(path.join(dir, 'generated', 'api.github.com.deref.json'), 'utf8')) as Spec;
  }
  return spec;
}

function templateFor(p: string, paths: string[]): string | undefined {
  const segs = p.split('/');
  return paths.find((t) => {
    const ts = t.split('/');
    return ts.length === segs.length && ts.every((s, i) => s.startsWith('{') || s === segs[i]);
  });
}

export function openApiProblems(requests: Array<{ method: string; path: string; body?: unknown }>): string[] {
  const { paths } = load();
  const ajv = new Ajv({ strict: false, allErrors: true });
  const problems: string[] = [];
  for (const r of requests) {
    const url = new URL(r.path, 'http://x');
    const template = templateFor(url.pathname, Object.keys(paths));
    const op = template ? paths[template]![r.method.toLowerCase()] : undefined;
    if (!template || !op) {
      problems.push(`${r.method} ${url.pathname}: no such operation in GitHub's API`);
      continue;
    }
    const query = new Set((op.parameters ?? []).filter((p) => p.in === 'query').map((p) => p.name));
    for (const name of url.searchParams.keys())
      if (!query.has(name)) problems.push(`${r.method} ${template}: undeclared query parameter ${name}`);
    const schema = op.requestBody?.content['application/json']?.schema;
    if (r.body !== undefined) {
      if (!schema) problems.push(`${r.method} ${template}: sends a body the operation does not take`);
      else if (!ajv.validate(schema, r.body)) problems.push(`${r.method} ${template}: body ${ajv.errorsText()}`);
    } else if (schema && (schema as { required?: string[] }).required?.length) {
      problems.push(
        `${r.method} ${template}: no body, but ${(schema as { required: string[] }).required.join(', ')} required`,
      );
    }
  }
  return problems;
}
