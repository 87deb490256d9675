/**
 * The identity-provider link's contract entries (docs/IDP.md) over station.idp: thin — each
 * checks its arguments, makes one station call and maps the answer to plain contract values.
 * Who may call what is main/api/authorization.ts (operator only, except a person's own
 * provider methods).
 */
import type {
  IdpConnectionCheck,
  OutboxOverview,
  PersonProviderLink,
} from '../../preload/contract';
import type { Station } from '../station';
import type { OutboxStatus, PersonLinkView } from '../station/idp/service';
import { registryId } from './convert';
import type { DomainHandlers } from './dispatch';

function outboxView(s: OutboxStatus): OutboxOverview {
  return {
    counts: { ...s.counts },
    lastError: s.lastError,
    nextAttemptAt: s.nextAttemptAt,
    items: s.items.map((i) => ({
      id: i.id,
      personId: i.personId === null ? null : String(i.personId),
      operation: i.operation,
      state: i.state,
      attempts: i.attempts,
      nextAttemptAt: i.nextAttemptAt,
      lastError: i.lastError,
      createdAt: i.createdAt,
      confirmedAt: i.confirmedAt,
    })),
  };
}

function personLink(station: Station, v: PersonLinkView): PersonProviderLink {
  return {
    stationLinked: station.idp.isLinked(),
    linked: v.linked,
    inGroup: v.inGroup,
    providerMethods: v.providerMethods.map((m) => ({
      providerMethodId: m.providerMethodId,
      type: m.type,
      label: m.label,
      detail: m.detail,
      createdAt: m.createdAt,
      deleting: m.deleting,
      deletable: m.deletable,
    })),
    sync: { ...v.sync },
  };
}

export function identityProviderHandlers(station: Station): DomainHandlers<'identityProvider'> {
  const idp = station.idp;
  return {
    connection() {
      return idp.connection();
    },
    saveConnection(input) {
      return idp.saveConnection(input);
    },
    async testConnection(): Promise<IdpConnectionCheck> {
      const r = await idp.testConnection();
      const params: Record<string, string> = {};
      if (r.problem)
        for (const [k, v] of Object.entries(r.problem)) if (k !== 'code') params[k] = String(v);
      return {
        ok: r.ok,
        problem: r.problem ? { code: r.problem.code, params } : null,
        checks: { ...r.checks },
      };
    },
    async pull() {
      const r = await idp.pull();
      return {
        people: r.people,
        created: r.created,
        updated: r.updated,
        left: r.left,
        methods: r.methods,
        methodsUnread: r.methodsUnread,
      };
    },
    outbox({ state }) {
      return outboxView(idp.outboxStatus({ state }));
    },
    async sync() {
      const r = await idp.syncNow();
      return {
        attempted: r.attempted,
        confirmed: r.confirmed,
        failed: r.failed,
        rescheduled: r.rescheduled,
        outbox: outboxView(idp.outboxStatus()),
      };
    },
    retry({ itemId }) {
      return outboxView(idp.retry(itemId));
    },
    discard({ itemId }) {
      return outboxView(idp.discard(itemId));
    },
    summary() {
      return idp.summary();
    },
    person({ personId }) {
      return personLink(station, idp.personView(registryId(personId)));
    },
    async refreshPerson({ personId }) {
      return personLink(station, await idp.refreshPerson(registryId(personId)));
    },
    deleteProviderMethod({ personId, providerMethodId }) {
      return personLink(station, idp.deleteProviderMethod(registryId(personId), providerMethodId));
    },
  };
}
