// Lint enforces the architecture's layer rules as well as code hygiene.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const nodeBuiltins = ['fs', 'path', 'os', 'child_process', 'net', 'http', 'https', 'crypto', 'worker_threads', 'process', 'dns', 'tls', 'stream', 'events', 'url', 'util']
  .flatMap((m) => [m, `node:${m}`]);

export default tseslint.config(
  { ignores: ['node_modules/**', 'dist/**', '.tools/**', '.data/**', 'coverage/**', 'test-artifacts/**', 'dashboard/public/vendor/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': ['error', { checksVoidReturn: { arguments: false } }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    // domain/ is pure: no I/O, no clocks, no exchange library, nothing outward.
    files: ['domain/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        paths: [...nodeBuiltins, 'ccxt', 'better-sqlite3', 'ws', 'pino'],
        patterns: [{ group: ['**/adapters/**', '**/hotpath/**', '**/workflows/**', '**/activities/**', '**/workers/**', '**/signals/**', '**/ports/**', '**/config/**'], message: 'domain/ imports nothing outward' }],
      }],
      'no-restricted-syntax': ['error',
        { selector: "CallExpression[callee.object.name='Date'][callee.property.name='now']", message: 'domain/ never reads the clock: take time as an argument' },
        { selector: "NewExpression[callee.name='Date'][arguments.length=0]", message: 'domain/ never reads the clock: take time as an argument' },
        { selector: "CallExpression[callee.object.name='Math'][callee.property.name='random']", message: 'domain/ is deterministic: take randomness as an argument' },
      ],
    },
  },
  {
    // Workflow code runs in Temporal's deterministic sandbox: only the workflow SDK, domain/,
    // the message definitions file and activity types.
    files: ['workflows/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        paths: [...nodeBuiltins, 'ccxt', 'better-sqlite3', 'ws', 'pino', '@temporalio/client', '@temporalio/worker', '@temporalio/activity',
          { name: '../signals', message: 'import ../signals/defs directly: the index pulls Node modules into the bundle' },
          { name: '../signals/index', message: 'import ../signals/defs directly' }],
        patterns: [
          { group: ['**/adapters/**', '**/hotpath/**', '**/workers/**', '**/config/loader*', '**/signals/cli/**', '**/signals/webhook/**'], message: 'workflows import only domain/, signals/defs and activity types' },
          { group: ['**/activities/**'], allowTypeImports: true, message: 'workflows import activity types only (import type)' },
        ],
      }],
    },
  },
  {
    files: ['**/*.js', '**/*.cjs'],
    languageOptions: { sourceType: 'commonjs', globals: { require: 'readonly', module: 'writable', __dirname: 'readonly', process: 'readonly', console: 'readonly' } },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  {
    files: ['**/*.mjs'],
    languageOptions: { globals: { process: 'readonly', console: 'readonly' } },
  },
);
