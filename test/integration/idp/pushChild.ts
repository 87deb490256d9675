/**
 * Child process for the kill -9 push test: opens a linked station's registry and sends its
 * outbox to the test provider until nothing is left, then exits 0. The parent kills it with
 * SIGKILL at chosen points. Waiting (Retry-After, backoff) moves the child's own clock instead
 * of sleeping, so a run never waits in real time.
 * Usage: node pushChild.mjs <dataDir> <caFile>
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { openStation } from '../../../main/station/index';

const [dataDir, caFile] = process.argv.slice(2);
// Ends with the test: its stdin closes when the parent goes, whatever way it goes.
process.stdin.on('end', () => process.exit(3));
process.stdin.resume();
// The child's clock runs on from where the last (killed) child left it, as a real clock would:
// the outbox's next tries were written on that clock.
const offsetFile = `${dataDir}.clock-offset`;
let offset = existsSync(offsetFile) ? Number(readFileSync(offsetFile, 'utf8')) || 0 : 0;
const clock = (): Date => new Date(Date.now() + offset);
const station = openStation({
  dataDir,
  mode: 'demo',
  clock,
  idp: {
    ca: readFileSync(caFile, 'utf8'),
    sleep: async (ms) => {
      offset += ms;
      writeFileSync(offsetFile, String(offset));
    },
  },
});
process.stdout.write('ready\n');
const r = await station.idp.push({ maxWaitMs: 24 * 3600_000 });
const counts = station.idp.repo.stateCounts();
station.close();
process.stdout.write(`${JSON.stringify({ done: true, ...r, counts })}\n`, () => process.exit(0));
