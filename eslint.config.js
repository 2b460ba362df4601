import js from '@eslint/js';
import prettier from 'eslint-config-prettier';
import boundaries from 'eslint-plugin-boundaries';
import tseslint from 'typescript-eslint';

/**
 * The architecture, checked on every import (aliases and relative paths alike, as resolved by
 * TypeScript): building blocks sit in floors, each seeing only the floors below; a bounded context
 * sees the building blocks and never another context (contexts meet through libs/contracts and
 * events); nobody reaches past a library's public entry (`src/index.ts`).
 */
const buildingBlocks = {
  contracts: [],
  platform: ['contracts'],
  'event-store': ['contracts', 'platform'],
  messaging: ['contracts', 'platform', 'event-store'],
  security: ['contracts', 'platform', 'event-store'],
  testing: ['contracts', 'platform', 'event-store', 'messaging', 'security'],
};
const contextMayUse = ['contracts', 'platform', 'event-store', 'messaging', 'security'];
const libraries = [...Object.keys(buildingBlocks), 'context'];

const elements = [
  ...Object.keys(buildingBlocks).map((type) => ({
    type,
    pattern: `libs/${type}`,
    partialMatch: false,
  })),
  { type: 'context', pattern: 'libs/*', partialMatch: false, capture: ['name'] },
  { type: 'app', pattern: 'apps/*', partialMatch: false },
  { type: 'tool', pattern: '{tools,bench,test}', partialMatch: false },
];

/** A library's public entry; the event store also publishes a kit for testing deciders. */
const ENTRY_POINTS = ['src/index.ts', 'src/testing/index.ts'];

const allow = (from, libraryTypes, otherTypes = []) => ({
  from: { element: { type: from } },
  allow: {
    to: [
      { element: { types: { anyOf: libraryTypes }, fileInternalPath: ENTRY_POINTS } },
      ...(otherTypes.length > 0 ? [{ element: { types: { anyOf: otherTypes } } }] : []),
    ],
  },
});

/**
 * Production code sees the floors below it. Tests may also use the testing kit and the test
 * support of test/, and a building block's tests may exercise it with a real context.
 */
const dependencyPolicies = (inTests) => [
  ...Object.entries(buildingBlocks).map(([block, below]) =>
    inTests
      ? allow(block, [...below, 'testing', ...(block === 'testing' ? [] : ['context'])], ['tool'])
      : allow(block, below),
  ),
  inTests
    ? allow('context', [...contextMayUse, 'testing'], ['tool'])
    : allow('context', contextMayUse),
  allow('app', libraries),
  allow('tool', libraries, ['app', 'tool']),
];

const dependencies = (inTests) => [
  'error',
  {
    default: 'disallow',
    message:
      'Architecture: {{ from.type }} may not import {{ to.path }}. Contexts meet through libs/contracts and events, building blocks use only the floors below them, and a library is imported through its public entry (@soc/<library>).',
    policies: dependencyPolicies(inTests),
  },
];

export default tseslint.config(
  { ignores: ['dist/', 'coverage/', 'node_modules/', '.data/', '.cache/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  prettier,
  {
    languageOptions: {
      globals: { process: 'readonly', console: 'readonly', globalThis: 'readonly' },
    },
    rules: {
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_' },
      ],
      'no-console': 'error',
    },
  },
  {
    files: ['**/*.ts'],
    plugins: { boundaries },
    settings: {
      'boundaries/elements': elements,
      'import/resolver': { typescript: { project: './tsconfig.json' } },
    },
    rules: {
      'boundaries/dependencies': dependencies(false),
    },
  },
  {
    files: ['test/**', '**/*.spec.ts', 'bench/**', 'tools/**'],
    rules: { 'no-console': 'off' },
  },
  {
    files: [
      'test/**/*.ts',
      'libs/*/test/**/*.ts',
      '**/*.spec.ts',
      'bench/**/*.ts',
      'tools/**/*.ts',
    ],
    rules: { 'boundaries/dependencies': dependencies(true) },
  },
);
