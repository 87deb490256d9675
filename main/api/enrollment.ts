/**
 * Handlers of the `enrollment` domain: the code-based method flows (DESIGN.md §3.4–3.6) over the
 * station's enrollment services. Secrets pass through only where the person must see them (the
 * app's secret at `appBegin`); answers and codes are never logged or returned.
 */
import { StationError, type Station } from '../station';
import { ANSWER_MAX, ANSWER_MIN } from '../station/methods/securityQuestions';
import { registryId, toContractMethod } from './convert';
import type { DomainHandlers } from './dispatch';

export interface EnrollmentHostOptions {
  /**
   * The gateway the host opened the station with. openStationHost uses the station's default
   * OutboxGateway (offline: messages wait in the registry for staff to deliver them).
   */
  gateway: 'outbox' | 'online';
}

/** Where a pending phone / email enrollment sent its code: for the demo outbox view only. */
interface SentTo {
  channel: 'sms' | 'call' | 'email';
  destination: string;
  since: string;
}

/** Pending enrollments are short-lived; keep the demo lookup table small. */
const MAX_REMEMBERED = 200;

export function enrollmentHandlers(
  station: Station,
  opts: EnrollmentHostOptions,
): DomainHandlers<'enrollment'> {
  const sentTo = new Map<string, SentTo>();
  const remember = (id: string, s: SentTo) => {
    sentTo.set(id, s);
    if (sentTo.size > MAX_REMEMBERED) {
      const oldest = sentTo.keys().next().value;
      if (oldest !== undefined) sentTo.delete(oldest);
    }
  };
  /** A kiosk person may act only on their own record (main/station/README "Session"). */
  const person = (personId: string) => {
    const id = registryId(personId);
    station.session.assertMayActOn(id);
    return id;
  };

  return {
    async appBegin({ personId }) {
      const start = await station.enroll.authenticatorApp.begin(person(personId));
      return {
        enrollmentId: start.enrollmentId,
        qrImage: `data:image/svg+xml;base64,${Buffer.from(start.qrSvg, 'utf8').toString('base64')}`,
        manual: { ...start.manual },
        expiresAt: start.expiresAt,
      };
    },
    appComplete({ enrollmentId, code }) {
      return toContractMethod(station.enroll.authenticatorApp.complete(enrollmentId, code));
    },
    appCancel({ enrollmentId }) {
      station.enroll.authenticatorApp.cancel(enrollmentId);
      return null;
    },

    contactOptions() {
      const operator = station.session.actor.kind === 'operator';
      return {
        gateway: opts.gateway,
        canConfirmInPerson: operator,
        demo: station.mode === 'demo',
        canReadOutbox: station.mode === 'demo' || operator,
      };
    },
    demoMessage({ enrollmentId }) {
      // Codes are secrets on a real station: the flow shows its outbox message only on a demo
      // station or to a signed-in operator (staff at the desk hand the code over in person).
      if (station.mode !== 'demo' && station.session.actor.kind !== 'operator') {
        throw new StationError('session.forbidden');
      }
      const sent = sentTo.get(enrollmentId);
      if (!sent) return null;
      const message = station.outbox
        .list({ pendingOnly: true })
        .find(
          (m) =>
            m.channel === sent.channel &&
            m.destination === sent.destination &&
            m.createdAt >= sent.since,
        );
      return message
        ? {
            channel: message.channel,
            destination: message.destination,
            text: message.text,
            createdAt: message.createdAt,
          }
        : null;
    },

    async phoneBegin({ personId, kind, number, country, delivery }) {
      const since = station.now().toISOString();
      const started = await station.enroll.phone.begin(person(personId), {
        kind,
        number,
        country,
        delivery,
      });
      if (delivery === 'gateway') {
        remember(started.enrollmentId, {
          channel: kind === 'phoneSms' ? 'sms' : 'call',
          destination: started.e164,
          since,
        });
      }
      return { ...started };
    },
    phoneComplete({ enrollmentId, code }) {
      const m = station.enroll.phone.complete(enrollmentId, code);
      sentTo.delete(enrollmentId);
      return toContractMethod(m);
    },
    phoneConfirmInPerson({ enrollmentId }) {
      const m = station.enroll.phone.confirmInPerson(enrollmentId);
      sentTo.delete(enrollmentId);
      return toContractMethod(m);
    },
    phoneCancel({ enrollmentId }) {
      station.enroll.phone.cancel(enrollmentId);
      sentTo.delete(enrollmentId);
      return null;
    },

    async emailBegin({ personId, address, delivery }) {
      const since = station.now().toISOString();
      const started = await station.enroll.email.begin(person(personId), { address, delivery });
      if (delivery === 'gateway') {
        remember(started.enrollmentId, {
          channel: 'email',
          destination: started.address,
          since,
        });
      }
      return { ...started };
    },
    emailComplete({ enrollmentId, code }) {
      const m = station.enroll.email.complete(enrollmentId, code);
      sentTo.delete(enrollmentId);
      return toContractMethod(m);
    },
    emailConfirmInPerson({ enrollmentId }) {
      const m = station.enroll.email.confirmInPerson(enrollmentId);
      sentTo.delete(enrollmentId);
      return toContractMethod(m);
    },
    emailCancel({ enrollmentId }) {
      station.enroll.email.cancel(enrollmentId);
      sentTo.delete(enrollmentId);
      return null;
    },

    questionBank() {
      const bank = station.enroll.securityQuestions.bank();
      return {
        required: bank.required,
        // The limits main enforces, so the flow checks the same before sending (DESIGN.md §3.4).
        answerMin: ANSWER_MIN,
        answerMax: ANSWER_MAX,
        questions: bank.questions
          .filter((q) => q.active)
          .map((q) => ({ id: q.id, text: { sv: q.text.sv, en: q.text.en } })),
      };
    },
    questionsRegister({ personId, answers }) {
      return toContractMethod(station.enroll.securityQuestions.register(person(personId), answers));
    },

    tokensAvailable({ personId }) {
      return station.enroll.hardwareToken
        .available(person(personId))
        .map((t) => ({ serial: t.serial, manufacturer: t.manufacturer, model: t.model }));
    },
    tokenActivate({ personId, serial, code }) {
      return toContractMethod(
        station.enroll.hardwareToken.activate(person(personId), serial, code),
      );
    },
  };
}
