import js from '@eslint/js';
import globals from 'globals';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/', 'node_modules/', '.venv/', '.test-results/', 'coverage/', 'src/core/policy-validator.js'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', destructuredArrayIgnorePattern: '^_' },
      ],
    },
  },
  {
    // The core is pure: no GitHub toolkit, no HTTP client, no file system, and nothing outside it.
    files: ['src/core/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: ['@actions/*', '@octokit/*'], message: 'src/core is pure: the GitHub glue lives in src/github.' },
            { group: ['undici', 'node:http', 'node:https'], message: 'src/core is pure: HTTP lives in src/mlflow.' },
            {
              group: ['node:fs', 'node:fs/*', 'fs', 'fs/*'],
              message: 'src/core is pure: it is given text, it reads no files.',
            },
            {
              regex: '^\\.\\./(?!\\.\\./schema/)',
              message:
                'src/core imports only src/core (and the policy schema): the adapters and the flow import it, not the reverse.',
            },
          ],
        },
      ],
    },
  },
  {
    // The MLflow adapter speaks HTTP to MLflow; it knows nothing of GitHub or of the flow of a run.
    files: ['src/mlflow/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['@actions/*', '@octokit/*', '../github/*'],
              message: 'src/mlflow is the MLflow adapter: no GitHub glue.',
            },
            {
              group: ['../*.js', '!../core/*'],
              message: 'src/mlflow imports only src/core (and undici): the flow of a run imports it, not the reverse.',
            },
          ],
        },
      ],
    },
  },
  {
    // The GitHub glue (inputs, outputs, summary, comments) knows nothing of HTTP to MLflow or of the flow.
    files: ['src/github/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: ['undici', '../mlflow/*'], message: 'src/github is the GitHub glue: it never talks to MLflow.' },
            {
              group: ['../*.js', '!../core/*'],
              message:
                'src/github imports only src/core (and the GitHub toolkit): the front doors import it, not the reverse.',
            },
          ],
        },
      ],
    },
  },
);
