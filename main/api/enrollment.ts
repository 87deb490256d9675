/**
 * Handlers of the `enrollment` domain: the code-based method flows (DESIGN.md §3.4–3.6) over the
 * station's enrollment services. Secrets pass through only where the person must see them (the
 * app's secret at `appBegin`); answers and codes are never logged or returned. Each service
 * checks that a kiosk person acts only on their own record (main/station/README "Session").
 */
import type { Station } from '../station';
import { registryId, toContractMethod } from './convert';
import type { DomainHandlers } from './dispatch';

export interface EnrollmentHostOptions {
  /**
   * The gateway the host opened the station with. openStationHost uses the station's default
   * OutboxGateway (offline: messages wait in the registry for staff to deliver them).
   */
  gateway: 'outbox' | 'online';
}

export function enrollmentHandlers(
  station: Station,
  opts: EnrollmentHostOptions,
): DomainHandlers<'enrollment'> {
  const { authenticatorApp, phone, email, securityQuestions, hardwareToken, sentCodes } =
    station.enroll;
  const svgDataUrl = (svg: string) =>
    `data:image/svg+xml;base64,${Buffer.from(svg, 'utf8').toString('base64')}`;

  return {
    async appDownload() {
      const links = await authenticatorApp.downloadLinks();
      return links.map((l) => ({ store: l.store, url: l.url, qrImage: svgDataUrl(l.qrSvg) }));
    },
    async appBegin({ personId }) {
      const start = await authenticatorApp.begin(registryId(personId));
      return {
        enrollmentId: start.enrollmentId,
        qrImage: `data:image/svg+xml;base64,${Buffer.from(start.qrSvg, 'utf8').toString('base64')}`,
        manual: { ...start.manual },
        expiresAt: start.expiresAt,
      };
    },
    appComplete: ({ enrollmentId, code, name }) =>
      toContractMethod(authenticatorApp.complete(enrollmentId, code, name)),
    appCancel({ enrollmentId }) {
      authenticatorApp.cancel(enrollmentId);
      return null;
    },

    contactOptions: () => sentCodes.options(opts.gateway),
    demoMessage: ({ enrollmentId }) => sentCodes.message(enrollmentId),

    async phoneBegin({ personId, kind, number, country, delivery, phoneType }) {
      return {
        ...(await phone.begin(registryId(personId), {
          kind,
          number,
          country,
          delivery,
          phoneType,
        })),
      };
    },
    phoneComplete: ({ enrollmentId, code }) => toContractMethod(phone.complete(enrollmentId, code)),
    phoneConfirmInPerson: ({ enrollmentId }) =>
      toContractMethod(phone.confirmInPerson(enrollmentId)),
    phoneCancel({ enrollmentId }) {
      phone.cancel(enrollmentId);
      return null;
    },

    async emailBegin({ personId, address, delivery }) {
      return { ...(await email.begin(registryId(personId), { address, delivery })) };
    },
    emailComplete: ({ enrollmentId, code }) => toContractMethod(email.complete(enrollmentId, code)),
    emailConfirmInPerson: ({ enrollmentId }) =>
      toContractMethod(email.confirmInPerson(enrollmentId)),
    emailCancel({ enrollmentId }) {
      email.cancel(enrollmentId);
      return null;
    },

    // The limits main enforces, so the flow checks the same before sending (DESIGN.md §3.4).
    questionBank: () => securityQuestions.offer(),
    questionsRegister: ({ personId, answers }) =>
      toContractMethod(securityQuestions.register(registryId(personId), answers)),

    tokensAvailable: ({ personId }) =>
      hardwareToken
        .available(registryId(personId))
        .map((t) => ({ serial: t.serial, manufacturer: t.manufacturer, model: t.model })),
    tokenActivate: ({ personId, serial, code, name }) =>
      toContractMethod(hardwareToken.activate(registryId(personId), serial, code, name)),
  };
}
