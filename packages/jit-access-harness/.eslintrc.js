// The harness imports the backend plugin's internals and test utilities by
// relative path (see README.md), and is never built, so `__dirname` is the
// folder of the source file: both allowed here, and only here.
module.exports = require('@backstage/cli/config/eslint-factory')(__dirname, {
  rules: {
    '@backstage/no-relative-monorepo-imports': 'off',
    'no-restricted-imports': 'off',
    'no-restricted-syntax': 'off',
    // The crash tests assert through expectConverged (crashConverged.ts).
    'jest/expect-expect': ['warn', { assertFunctionNames: ['expect', 'expectConverged'] }],
  },
});
