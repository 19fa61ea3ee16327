// One setting scales every deadline of the suite (see test/helpers/wait.ts): default 3, sized
// for a busy 2-core machine. Validated there too; here only the default test timeout needs it.
const scale = process.env.TEST_TIME_SCALE ? Number(process.env.TEST_TIME_SCALE) : 3;
if (!Number.isFinite(scale) || scale < 0.1 || scale > 100) throw new Error(`TEST_TIME_SCALE must be a number between 0.1 and 100, got ${process.env.TEST_TIME_SCALE}`);

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
  testTimeout: Math.round(60_000 * scale),
  // Per-test and per-hook timeouts written in the tests are scaled by the same setting.
  setupFilesAfterEnv: ['<rootDir>/test/helpers/jest-time-scale.ts'],
  maxWorkers: 2,
  verbose: true,
};
