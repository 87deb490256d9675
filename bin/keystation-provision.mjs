#!/usr/bin/env node
// keystation-provision: provisioning keys for others (see main/provision-cli/main.ts, docs/PROVISIONING.md).
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../main/provision-cli/main.ts');
process.exitCode = await main(process.argv.slice(2));
