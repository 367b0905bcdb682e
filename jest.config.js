/** Jest runs the TypeScript sources as native ES modules (lowdb is ESM-only). */
export default {
  testEnvironment: 'node',
  extensionsToTreatAsEsm: ['.ts'],
  moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
  transform: {
    '^.+\\.ts$': ['ts-jest', { useESM: true, isolatedModules: true, diagnostics: false }],
  },
  testMatch: ['<rootDir>/test/**/*.test.ts'],
  testTimeout: 120_000, // generous: CI is 2 shared cores, and an `aws` CLI call alone costs ~1 s of CPU
  maxWorkers: 2,
};
