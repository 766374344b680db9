import js from '@eslint/js';
import globals from 'globals';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/', 'node_modules/', '.venv/', '.test-results/', 'coverage/'] },
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
    // The core is pure: no GitHub toolkit, no HTTP client, no file system.
    files: ['src/core/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: ['@actions/*'], message: 'src/core is pure: the GitHub glue lives in src/github.' },
            { group: ['undici', 'node:http', 'node:https'], message: 'src/core is pure: HTTP lives in src/mlflow.' },
            {
              group: ['node:fs', 'node:fs/*', 'fs', 'fs/*'],
              message: 'src/core is pure: it is given text, it reads no files.',
            },
          ],
        },
      ],
    },
  },
);
