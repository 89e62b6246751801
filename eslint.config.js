// ESLint (flat config) with typescript-eslint's recommended rules, over the TypeScript sources and the scripts.
// Fixtures and examples are inputs to the tool, not its code: they are never linted or formatted.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/**', 'dist.tmp-*/**', 'node_modules/**', 'fixtures/**', 'examples/**', 'bench/.corpus/**', '.bench/**', '.tscheck/**', 'test/stubs/**', 'test/wire/mutants/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: {
      globals: {
        process: 'readonly',
        console: 'readonly',
        Buffer: 'readonly',
        URL: 'readonly',
        performance: 'readonly',
        setTimeout: 'readonly',
        clearTimeout: 'readonly',
        setImmediate: 'readonly',
        queueMicrotask: 'readonly',
        structuredClone: 'readonly',
        TextDecoder: 'readonly',
        TextEncoder: 'readonly',
        AbortController: 'readonly',
        __dirname: 'readonly',
        __filename: 'readonly',
        require: 'readonly',
        module: 'writable',
      },
    },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
      '@typescript-eslint/no-non-null-assertion': 'off',
      // File names, reports and terminal output are escaped and stripped of control characters on purpose.
      'no-control-regex': 'off',
    },
  },
  {
    // The wire harness drives untyped legacy drivers (mongodb 2.x-4.x, mongodb-legacy) and the code under test.
    files: ['test/wire/**'],
    rules: { '@typescript-eslint/no-explicit-any': 'off' },
  },
);
