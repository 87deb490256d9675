#!/usr/bin/env node
// The whole test suite, as README's test command runs it (and CI through .ci/run):
// typecheck → lint → unit + integration (Vitest) → benchmarks in short mode → e2e (Playwright,
// Debian's Chromium, browser mode). Every step runs even if an earlier one failed, so one run
// shows every problem; the exit code is non-zero if any step failed. The last line is the
// plain total: "keystation: N passed, N failed, N skipped".
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const results = join(root, 'test-results');
mkdirSync(results, { recursive: true });
const bin = (name) => join(root, 'node_modules', '.bin', name);
const env = { ...process.env, KS_SHORT: process.env.KS_SHORT ?? '1', FORCE_COLOR: '0' };

const steps = [];
function step(name, cmd, args, extraEnv = {}) {
  const started = Date.now();
  console.log(`\n=== ${name}: ${[cmd, ...args].join(' ')}`);
  const r = spawnSync(cmd, args, { cwd: root, stdio: 'inherit', env: { ...env, ...extraEnv } });
  const ok = r.status === 0;
  steps.push({ name, ok, seconds: (Date.now() - started) / 1000 });
  return ok;
}

const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const script = (s) => Boolean(pkg.scripts?.[s]);

step('typecheck', bin('tsc'), ['--noEmit', '-p', 'tsconfig.json']);
step('lint', bin('eslint'), ['.', '--max-warnings=0']);
step('format', bin('prettier'), ['--check', '.', '--log-level', 'warn']);
const vitestJson = join(results, 'vitest.json');
step('unit + integration', bin('vitest'), [
  'run',
  '--reporter=default',
  '--reporter=json',
  `--outputFile.json=${vitestJson}`,
]);
for (const bench of ['bench:ctap', 'bench:registry', 'bench:provision', 'bench:idp', 'bench:ui']) {
  if (script(bench)) step(`${bench} (short)`, 'npm', ['run', '--silent', bench, '--', '--short']);
}
const pwJson = join(results, 'playwright.json');
if (existsSync(join(root, 'playwright.config.ts'))) {
  step('e2e', bin('playwright'), ['test', '--reporter=list,json'], {
    PLAYWRIGHT_JSON_OUTPUT_NAME: pwJson,
  });
}

let passed = 0;
let failed = 0;
let skipped = 0;
try {
  const v = JSON.parse(readFileSync(vitestJson, 'utf8'));
  passed += v.numPassedTests ?? 0;
  failed += v.numFailedTests ?? 0;
  skipped += (v.numPendingTests ?? 0) + (v.numTodoTests ?? 0);
} catch {
  /* vitest did not write a report: its step failed and is counted below */
}
try {
  const p = JSON.parse(readFileSync(pwJson, 'utf8'));
  passed += p.stats?.expected ?? 0;
  failed += (p.stats?.unexpected ?? 0) + (p.stats?.flaky ?? 0);
  skipped += p.stats?.skipped ?? 0;
} catch {
  /* no e2e report */
}
const failedSteps = steps.filter((s) => !s.ok);
console.log('\n=== summary');
for (const s of steps)
  console.log(`${s.ok ? 'ok  ' : 'FAIL'} ${s.name} (${s.seconds.toFixed(1)} s)`);
// A failing non-test step (typecheck, lint, bench) counts as one failed check.
failed += failedSteps.filter((s) => s.name !== 'unit + integration' && s.name !== 'e2e').length;
if (failedSteps.length > 0 && failed === 0) failed = failedSteps.length;
console.log(`keystation: ${passed} passed, ${failed} failed, ${skipped} skipped`);
process.exit(failedSteps.length > 0 ? 1 : 0);
