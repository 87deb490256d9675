/**
 * A handler table for every contract entry, for tests of the dispatch machinery: entries the
 * test does not care about throw if called; `overrides` supplies the ones it does. Stays valid
 * as domains are added to the contract.
 */
import { listChannels } from '../../../preload/contract';
import type { ContractHandlers } from '../../../main/api/dispatch';

type LooseHandlers = Record<string, Record<string, (...args: never[]) => unknown>>;

export function fakeHandlers(overrides: LooseHandlers): ContractHandlers {
  const table: Record<string, Record<string, unknown>> = {};
  for (const { domain, name, channel } of listChannels()) {
    table[domain] ??= {};
    table[domain][name] = () => {
      throw new Error(`${channel} is not part of this test`);
    };
  }
  for (const [domain, fns] of Object.entries(overrides)) {
    table[domain] = { ...table[domain], ...fns };
  }
  return table as unknown as ContractHandlers;
}
