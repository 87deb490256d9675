// @ts-check
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import reactHooks from 'eslint-plugin-react-hooks';
import globals from 'globals';

/** Modules the renderer must never import: it talks to the station only through the contract. */
export const rendererForbidden = [
  'electron',
  'better-sqlite3',
  'node-hid',
  'fs',
  'path',
  'os',
  'crypto',
  'child_process',
  'net',
  'dgram',
  'http',
  'https',
];

const nodeBuiltinPattern = { group: ['node:*'], message: 'The renderer never imports Node.' };
const nativeOrMainPattern = {
  group: ['**/main/**', '**/native/**'],
  message: 'The renderer reaches the station only through preload/contract.',
};

export default tseslint.config(
  {
    ignores: [
      'node_modules/',
      'out/',
      'dist/',
      'release/',
      'test-results/',
      'playwright-report/',
      'test/artifacts/',
      'test/fixtures/',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_' },
      ],
    },
  },
  {
    // Electron lives only in main/electron/ and preload/.
    files: ['**/*.ts', '**/*.tsx', '**/*.js', '**/*.mjs'],
    ignores: ['main/electron/**', 'preload/**', 'renderer/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [
            {
              name: 'electron',
              message: 'Electron is imported only in main/electron/ and preload/.',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['renderer/**/*.ts', 'renderer/**/*.tsx'],
    languageOptions: { globals: { ...globals.browser } },
    plugins: { 'react-hooks': reactHooks },
    rules: {
      'react-hooks/rules-of-hooks': 'error',
      'react-hooks/exhaustive-deps': 'warn',
      'no-restricted-imports': [
        'error',
        {
          paths: rendererForbidden.map((name) => ({
            name,
            message: 'The renderer never imports Node, Electron or native modules.',
          })),
          patterns: [nodeBuiltinPattern, nativeOrMainPattern],
        },
      ],
    },
  },
  {
    // domain/ holds the rules shared by station, contract and renderer: plain TypeScript that
    // runs in every layer, so it imports no Node, Electron or native module and no other layer.
    files: ['domain/**/*.ts'],
    languageOptions: { globals: {} },
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      'no-restricted-imports': [
        'error',
        {
          paths: [...rendererForbidden, 'zod', 'react'].map((name) => ({
            name,
            message: 'domain/ is plain TypeScript shared by every layer: no packages.',
          })),
          patterns: [
            { group: ['node:*'], message: 'domain/ never imports Node.' },
            {
              group: ['**/main/**', '**/native/**', '**/preload/**', '**/renderer/**'],
              message: 'domain/ is the bottom of the app: it imports no other layer.',
            },
          ],
        },
      ],
      'no-restricted-globals': [
        'error',
        ...['Buffer', 'process', 'require', '__dirname', '__filename', 'global'].map((name) => ({
          name,
          message: 'domain/ runs in the renderer too: no Node globals.',
        })),
      ],
    },
  },
  {
    files: ['native/**/*.ts', 'main/station/**/*.ts', 'main/db/**/*.ts'],
    rules: { '@typescript-eslint/no-explicit-any': 'error' },
  },
);
