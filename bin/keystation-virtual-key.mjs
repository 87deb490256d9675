#!/usr/bin/env node
// The Keystation virtual key on UDP (see native/virtual-key/serverCli.ts).
import { register } from 'tsx/esm/api';

register();
await import('../native/virtual-key/serverCli.ts');
