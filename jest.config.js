/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  transform: {
    // Type checking is `npm run typecheck`'s job; ts-jest only transpiles (fast, one pass).
    '^.+\\.ts$': ['ts-jest', { diagnostics: false }],
    // ccxt's CommonJS build requires @noble/@scure, which ship ES modules only: transpile them.
    '^.+/node_modules/(@noble|@scure)/.+\\.js$': ['ts-jest', { diagnostics: false, tsconfig: { allowJs: true, module: 'commonjs', target: 'ES2022' } }],
  },
  transformIgnorePatterns: ['/node_modules/(?!(@noble|@scure)/)'],
  moduleFileExtensions: ['ts', 'js', 'json'],
  // Workflow tests start a real Temporal server: give them room, and keep to 2 workers (2-core CI).
  testTimeout: 60_000,
  maxWorkers: 2,
  verbose: true,
};
