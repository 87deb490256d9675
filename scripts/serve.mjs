#!/usr/bin/env node
// Browser mode: `npm run serve -- --port <port> --data-dir <dir> [--demo]`
// Builds the app if needed, then runs the station's browser host (main/browser-host) in this
// Node process and prints one line with the full URL (access token included) when ready.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { register } from 'tsx/esm/api';
import { ensureBuilt, rendererDir, root } from './renderer-build.mjs';

const argv = process.argv.slice(2);
// Test runners build once up front (test/e2e/global-setup.ts) and set KEYSTATION_SKIP_BUILD so
// parallel stations never rebuild out/ under each other.
if (process.env.KEYSTATION_SKIP_BUILD !== '1' && !ensureBuilt({ quiet: true })) process.exit(1);
register();
const { runServeCommand } = await import('../main/browser-host/run.ts');
const { version } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
await runServeCommand(argv, { rendererDir, version });
