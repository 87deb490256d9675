#!/usr/bin/env node
// keystation-key: the CTAP 2.1 command-line client (see native/cli/main.ts, native/README.md).
import { register } from 'tsx/esm/api';

register();
await import('../native/cli/main.ts');
