import { beforeAll, describe, expect, it } from 'vitest';
import { createCertificateAuthority, issueCertificate } from '../../src/pki/certificates.ts';
import { needsRotation, type CertificateRequest } from '../../src/webhooks/webhook-certificates.ts';

const DAY = 86_400_000;
const NOW = new Date('2026-03-01T00:00:00Z');
const request: CertificateRequest = { namespace: 'dcos-system', secretName: 'webhook-tls', dnsNames: ['dcos-operator-webhook.dcos-system.svc'], renewBeforeDays: 30 };

type Secret = NonNullable<Parameters<typeof needsRotation>[0]>;

function secretOf(data: Record<string, string>, servingNames = request.dnsNames.join(',')): Secret {
  const b64 = (s: string) => Buffer.from(s).toString('base64');
  return {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: { name: request.secretName, namespace: request.namespace, annotations: { 'dcos.dev/serving-names': servingNames } },
    data: Object.fromEntries(Object.entries(data).map(([k, v]) => [k, b64(v)])),
  } as Secret;
}

describe('needsRotation: when the webhook serving certificate is renewed', () => {
  let stored: Secret;

  beforeAll(async () => {
    // Valid for 90 days from NOW: renewal is due from day 60 (30 days before expiry).
    const ca = await createCertificateAuthority('test-ca', 120, NOW);
    const leaf = await issueCertificate(ca, { commonName: request.dnsNames[0]!, dnsNames: request.dnsNames, usage: 'server', validDays: 90, now: NOW });
    stored = secretOf({ 'tls.crt': leaf.certPem, 'tls.key': leaf.keyPem, 'ca.crt': ca.certPem });
  });

  it.each([
    ['the day it was issued', 0, false],
    ['59 days later, 31 days before expiry', 59, false],
    ['60 days later, exactly 30 days before expiry', 60, true],
    ['within the last 30 days', 75, true],
    ['after it expired', 120, true],
  ])('%s: rotate = %s', (_when, days, expected) => {
    expect(needsRotation(stored, request, new Date(NOW.getTime() + days * DAY))).toBe(expected);
  });

  it('honours a shorter renewBeforeDays', () => {
    expect(needsRotation(stored, { ...request, renewBeforeDays: 7 }, new Date(NOW.getTime() + 75 * DAY))).toBe(false);
    expect(needsRotation(stored, { ...request, renewBeforeDays: 7 }, new Date(NOW.getTime() + 84 * DAY))).toBe(true);
  });

  it('rotates when the Secret is missing, incomplete, or made for other names', () => {
    expect(needsRotation(undefined, request, NOW)).toBe(true);
    const data = stored.data!;
    for (const key of ['tls.crt', 'tls.key', 'ca.crt']) {
      const partial = { ...stored, data: Object.fromEntries(Object.entries(data).filter(([k]) => k !== key)) };
      expect(needsRotation(partial, request, NOW), `without ${key}`).toBe(true);
    }
    expect(needsRotation(stored, { ...request, dnsNames: ['other.dcos-system.svc'] }, NOW)).toBe(true);
    expect(needsRotation(stored, { ...request, ipAddresses: ['127.0.0.1'] }, NOW)).toBe(true);
  });
});
