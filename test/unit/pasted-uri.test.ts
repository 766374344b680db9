// A tracking or registry URI pasted with the REST API's path or the MLflow UI's page after it
// (issue 15): cut off, with one note saying what was cut and what is used.
import { describe, expect, it } from 'vitest';
import { pastedServerUri } from '../../src/core/transport.js';
import { InputError } from '../../src/core/errors.js';
import { readSettings } from '../../src/github/inputs.js';
import { connect } from '../../src/wiring.js';
import { thrownBy } from '../support/errors.js';

const settings = (inputs: Record<string, string>, env: Record<string, string> = {}) =>
  readSettings((n) => inputs[n] ?? '', env);

describe('pastedServerUri', () => {
  it.each([
    ['http://h:5000/api/2.0/mlflow', 'http://h:5000', 'ends with /api/2.0/mlflow'],
    ['http://h:5000/api/2.0/mlflow/', 'http://h:5000', 'ends with /api/2.0/mlflow'],
    ['https://h/mlflow/api/2.0/mlflow', 'https://h/mlflow', 'ends with /api/2.0/mlflow'],
    ['http://h/ajax-api/2.0/mlflow/', 'http://h', 'ends with /ajax-api/2.0/mlflow'],
    [
      'http://h/api/2.0/mlflow/registered-models/search',
      'http://h',
      'ends with /api/2.0/mlflow/registered-models/search',
    ],
    ['http://h:5000/#/models/churn/versions/3', 'http://h:5000', "is the MLflow UI's address"],
    ['http://h:5000/#/', 'http://h:5000', "is the MLflow UI's address"],
    ['http://h:5000/#', 'http://h:5000', "is the MLflow UI's address"],
    ['https://h/mlflow/#/experiments/1', 'https://h/mlflow', "is the MLflow UI's address"],
  ])('%s is %s', (raw, uri, what) => {
    expect(pastedServerUri('tracking-uri', raw)).toEqual({
      uri,
      note: `tracking-uri: ${raw} ${what}: using ${uri}`,
    });
  });

  it('does not repeat a UI page query (its filters), and leaves other URIs as given', () => {
    expect(pastedServerUri('MLFLOW_TRACKING_URI', 'http://h/#/experiments/1/runs?searchFilter=x').note).toBe(
      "MLFLOW_TRACKING_URI: http://h/#/experiments/1/runs?… is the MLflow UI's address: using http://h",
    );
    for (const raw of ['http://h:5000', 'http://h:5000/', 'https://h/mlflow', 'http://h/#top', 'http://h/api/2.0'])
      expect(pastedServerUri('tracking-uri', raw)).toEqual({ uri: raw });
  });
});

describe('readSettings cuts a pasted suffix from tracking and registry URIs, and says so', () => {
  it('the input, the variable and the registry URI', () => {
    expect(settings({ 'tracking-uri': 'http://127.0.0.1:5000/api/2.0/mlflow/' })).toMatchObject({
      trackingUri: 'http://127.0.0.1:5000',
      uriNotes: [
        'tracking-uri: http://127.0.0.1:5000/api/2.0/mlflow/ ends with /api/2.0/mlflow: using http://127.0.0.1:5000',
      ],
    });
    const s = settings(
      { 'registry-uri': 'http://registry:5000/#/models' },
      { MLFLOW_TRACKING_URI: 'http://tracking:5000/api/2.0/mlflow' },
    );
    expect(s.trackingUri).toBe('http://tracking:5000');
    expect(s.registryUri).toBe('http://registry:5000');
    expect(s.uriNotes).toEqual([
      'MLFLOW_TRACKING_URI: http://tracking:5000/api/2.0/mlflow ends with /api/2.0/mlflow: using http://tracking:5000',
      "registry-uri: http://registry:5000/#/models is the MLflow UI's address: using http://registry:5000",
    ]);
  });

  it('no note for a plain URI; another fragment or a query is still refused', () => {
    expect(settings({ 'tracking-uri': 'http://127.0.0.1:5000' }).uriNotes).toBeUndefined();
    expect(thrownBy(() => settings({ 'tracking-uri': 'http://h/#top' }), InputError).message).toContain(
      'must not have a query string or fragment',
    );
    expect(thrownBy(() => settings({ 'tracking-uri': 'http://u:p@h/api/2.0/mlflow' }), InputError).message).toContain(
      'must not contain credentials',
    );
  });

  it('connect logs the notes through the log it is given', async () => {
    const s = settings({ 'tracking-uri': 'http://127.0.0.1:5000/#/models' });
    const lines: string[] = [];
    const registry = await connect(s, s.trackingUri!, { add() {} }, (l) => lines.push(l));
    expect(registry.url).toBe('http://127.0.0.1:5000');
    expect(lines).toEqual([
      "tracking-uri: http://127.0.0.1:5000/#/models is the MLflow UI's address: using http://127.0.0.1:5000",
    ]);
  });
});
