// The e2e project this file is set up for runs its suites on sqlite only (see jest.config.js).
process.env.PACKGATE_TEST_PROJECT_DATABASE = 'sqlite';
