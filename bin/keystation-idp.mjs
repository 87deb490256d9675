#!/usr/bin/env node
// keystation-idp: the identity-provider link for scripts (see main/idp-cli/main.ts, docs/IDP.md).
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../main/idp-cli/main.ts');
process.exitCode = await main(process.argv.slice(2));
