/**
 * Unit tests (`*.spec.ts`) need no I/O; integration tests (`*.int.spec.ts`, `test/*.e2e-spec.ts`)
 * use a real PostgreSQL. NestJS 12 ships native ES modules, so jest runs in its ESM mode.
 *
 * The PostgreSQL and Kafka global setup belongs to the integration project: jest runs a
 * project's globalSetup/globalTeardown only when at least one of that project's tests is
 * selected, so `npm run test:unit` (or a run of unit spec files only) starts and connects to
 * nothing, while `npm test` still sets both up once for the whole run.
 */
const shared = {
  testEnvironment: 'node',
  extensionsToTreatAsEsm: ['.ts'],
  transform: { '^.+\\.ts$': ['ts-jest', { useESM: true, tsconfig: 'tsconfig.json' }] },
  moduleNameMapper: {
    '^@soc/([a-z-]+)/testing$': '<rootDir>/libs/$1/src/testing/index.ts',
    '^@soc/([a-z-]+)$': '<rootDir>/libs/$1/src/index.ts',
    '^(\\.{1,2}/.*)\\.js$': '$1',
  },
  modulePathIgnorePatterns: ['<rootDir>/dist/'],
};

export default {
  testTimeout: 120_000,
  // Test files run in a worker that is replaced once it holds more than this after a file: one
  // long-lived process (jest's default on two cores) slowed each later file several-fold, the
  // full run from about 8 to over 23 minutes.
  workerIdleMemoryLimit: '512MB',
  projects: [
    {
      ...shared,
      displayName: 'unit',
      testMatch: ['<rootDir>/libs/**/*.spec.ts', '<rootDir>/apps/**/*.spec.ts'],
      testPathIgnorePatterns: ['\\.int\\.spec\\.ts$'],
    },
    {
      ...shared,
      displayName: 'integration',
      testMatch: ['<rootDir>/libs/**/*.int.spec.ts', '<rootDir>/test/**/*.e2e-spec.ts'],
      globalSetup: '<rootDir>/test/global-setup.mjs',
      globalTeardown: '<rootDir>/test/global-teardown.mjs',
    },
  ],
};
