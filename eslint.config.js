// @ts-check
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import reactHooks from 'eslint-plugin-react-hooks';
import globals from 'globals';
import { dirname, isAbsolute, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const repoRoot = dirname(fileURLToPath(import.meta.url));

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

/**
 * The layers of docs/DESIGN.md §10.1 as lint rules. Each rule names the folder it applies to
 * (`in`, minus `except`) and what it may not import: repository folders (`folders`, matched on
 * the resolved path of a relative import) or packages (`modules`). `calls` forbids method calls
 * by name (`db.prepare(…)` is SQL). Every rule has a fixture in test/fixtures/lint that must fail.
 */
export const layeringRules = [
  {
    name: 'native-imports-main',
    in: ['native/'],
    folders: ['main/'],
    message:
      'native/ is the bottom layer: it never imports main/ (the station calls native, not the reverse).',
  },
  {
    name: 'station-imports-api',
    in: ['main/station/'],
    folders: ['main/api/'],
    message: 'main/station/ never imports main/api/: the API adapts the station, not the reverse.',
  },
  {
    name: 'api-imports-native',
    in: ['main/api/'],
    folders: ['native/'],
    message:
      'main/api/ never imports native/: it calls one station method, the station talks to keys.',
  },
  {
    name: 'node-hid-outside-hid',
    in: ['main/', 'native/', 'preload/', 'renderer/', 'bin/', 'scripts/'],
    except: ['native/hid/'],
    modules: ['node-hid'],
    message: 'node-hid is loaded only by native/hid/ (the HidConnection backends).',
  },
  {
    name: 'ctap2-imports-hid',
    in: ['native/ctap2/'],
    folders: ['native/hid/', 'native/client/'],
    message: 'native/ctap2/ never sees HID (it talks through ctaphid/) nor the client above it.',
  },
  {
    name: 'webauthn-formats-import-protocol',
    in: ['native/webauthn/'],
    folders: ['native/ctap2/', 'native/ctaphid/', 'native/hid/', 'native/client/'],
    message: 'native/webauthn/ holds data formats below ctap2/: it imports no protocol layer.',
  },
  {
    // Tests too, main/db's own included: they look at what is stored through
    // main/db/inspection.ts and write past the repositories through main/db/tampering.ts.
    name: 'sql-outside-db',
    in: ['main/', 'native/', 'preload/', 'renderer/', 'bin/', 'scripts/', 'test/'],
    except: ['main/db/'],
    modules: ['better-sqlite3'],
    calls: ['prepare'],
    message: 'SQL lives only in main/db/ (repositories and query modules).',
  },
];

function under(path, prefixes) {
  return prefixes.some((p) => path.startsWith(p));
}

/** @type {import('eslint').Rule.RuleModule} */
const layeringRule = {
  meta: { type: 'problem', schema: [], messages: { layer: '{{message}} ({{rule}})' } },
  create(context) {
    const file = relative(repoRoot, context.filename).split('\\').join('/');
    if (file.startsWith('..') || isAbsolute(file)) return {};
    const active = layeringRules.filter(
      (r) => under(file, r.in) && !(r.except && under(file, r.except)),
    );
    if (active.length === 0) return {};
    const fileDir = dirname(context.filename);
    const check = (node, specifier) => {
      if (typeof specifier !== 'string') return;
      const target = specifier.startsWith('.')
        ? relative(repoRoot, resolve(fileDir, specifier)).split('\\').join('/') + '/'
        : undefined;
      for (const r of active) {
        const hit = target
          ? (r.folders ?? []).some((f) => target.startsWith(f))
          : (r.modules ?? []).some((m) => specifier === m || specifier.startsWith(`${m}/`));
        if (hit)
          context.report({ node, messageId: 'layer', data: { message: r.message, rule: r.name } });
      }
    };
    const calls = active.flatMap((r) => (r.calls ?? []).map((name) => ({ name, r })));
    return {
      ImportDeclaration: (node) => check(node.source, node.source.value),
      ExportNamedDeclaration: (node) => node.source && check(node.source, node.source.value),
      ExportAllDeclaration: (node) => check(node.source, node.source.value),
      ImportExpression: (node) =>
        node.source.type === 'Literal' && check(node.source, node.source.value),
      TSImportType: (node) => {
        // typescript-eslint 8.x: `source` (a Literal) replaces the deprecated `argument`.
        const arg = 'source' in node ? node.source : node.argument;
        const lit = arg?.type === 'TSLiteralType' ? arg.literal : arg;
        if (lit?.type === 'Literal') check(lit, lit.value);
      },
      CallExpression: (node) => {
        if (calls.length === 0 || node.callee.type !== 'MemberExpression') return;
        const prop = node.callee.property;
        if (prop.type !== 'Identifier') return;
        for (const { name, r } of calls) {
          if (prop.name === name)
            context.report({
              node,
              messageId: 'layer',
              data: { message: r.message, rule: r.name },
            });
        }
      },
    };
  },
};

const keystationPlugin = { rules: { layering: layeringRule } };

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
    files: ['**/*.ts', '**/*.tsx', '**/*.js', '**/*.mjs'],
    plugins: { keystation: keystationPlugin },
    rules: { 'keystation/layering': 'error' },
  },
  {
    files: ['native/**/*.ts', 'main/station/**/*.ts', 'main/db/**/*.ts'],
    rules: { '@typescript-eslint/no-explicit-any': 'error' },
  },
);
