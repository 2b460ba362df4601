import js from '@eslint/js';
import prettier from 'eslint-config-prettier';
import tseslint from 'typescript-eslint';

/** Contexts meet only through contracts: no reaching into another library's folders. */
const boundaries = {
  patterns: [
    {
      group: ['@soc/*/src', '@soc/*/src/**'],
      message: 'Import a library through its public entry (@soc/<lib>).',
    },
    {
      group: ['**/libs/*/src/**', '../../libs/**'],
      message: 'Import a library through its public entry (@soc/<lib>).',
    },
  ],
};

export default tseslint.config(
  { ignores: ['dist/', 'coverage/', 'node_modules/', '.data/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  prettier,
  {
    languageOptions: {
      globals: { process: 'readonly', console: 'readonly', globalThis: 'readonly' },
    },
    rules: {
      'no-restricted-imports': ['error', boundaries],
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_' },
      ],
      'no-console': 'error',
    },
  },
  {
    files: ['test/**', '**/*.spec.ts', 'bench/**', 'tools/**'],
    rules: { 'no-restricted-imports': 'off', 'no-console': 'off' },
  },
);
