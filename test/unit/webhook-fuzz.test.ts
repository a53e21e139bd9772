import { createServer, type Server } from 'node:http';
import fc from 'fast-check';
import { pino } from 'pino';
import { Pool } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { kindValidators } from '../../src/webhooks/kind-validators.ts';
import { createWebhookApp } from '../../src/webhooks/webhook-app.ts';
import { numberInString } from '../../src/resources/marathon-json.ts';

/*
 * Property-based fuzzing of the admission webhook app over real HTTP on loopback (one server, one
 * keep-alive pool): whatever arrives — broken AdmissionReviews, random specs, huge strings, deep
 * nesting, bodies that are not JSON or too large — the process answers, and every answer is a 400
 * Status or a 200 AdmissionReview for the same uid; a malformed object is denied naming its field.
 */

const RUNS = { envelopes: 3_000, randomObjects: 3_000, brokenServices: 2_000, hugeStrings: 250, deepNesting: 250, invalidJson: 1_500, oversized: 12 };
const TIMEOUT = 60_000;
const PATHS = ['/validate', '/mutate/dcosservices'] as const;
const KINDS = ['DcosService', 'DcosPackage', 'DcosPackageRepository', 'DcosCluster'];
/** A denial is at most 20 clipped problems, twice (message and causes): never an echo of a huge input. */
const MAX_DENIAL_BYTES = 64 * 1024;

let server: Server;
let pool: Pool;
let inputs = 0;
let requests = 0;

interface Answer {
  status: number;
  text: string;
  json: any;
}

async function post(path: string, body: string | Buffer): Promise<Answer> {
  requests++;
  const res = await pool.request({ method: 'POST', path, body, headers: { 'content-type': 'application/json' } });
  const text = await res.body.text();
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new Error(`${path} answered ${res.statusCode} with a body that is not JSON: ${text.slice(0, 200)}`);
  }
  return { status: res.statusCode, text, json };
}

function expectBadRequest(a: Answer): void {
  expect(a.status, a.text.slice(0, 300)).toBe(400);
  expect(a.json).toMatchObject({ kind: 'Status', apiVersion: 'v1', status: 'Failure', code: 400, reason: 'BadRequest' });
  expect(typeof a.json.message).toBe('string');
}

function expectReview(a: Answer, uid: string): void {
  expect(a.status, a.text.slice(0, 300)).toBe(200);
  expect(a.json.apiVersion).toBe('admission.k8s.io/v1');
  expect(a.json.kind).toBe('AdmissionReview');
  expect(a.json.response.uid).toBe(uid);
  expect(typeof a.json.response.allowed).toBe('boolean');
}

/** Denied with `<Kind> "<name>" is invalid: <path>: <what was expected>` and a cause per field. */
function expectDenial(a: Answer, uid: string, field?: string): void {
  expectReview(a, uid);
  const { allowed, status } = a.json.response;
  expect(allowed, a.text.slice(0, 300)).toBe(false);
  expect(status.code).toBe(422);
  expect(status.message).toMatch(/ is invalid: (spec|<root>)/);
  expect(status.details.causes.length).toBeGreaterThan(0);
  for (const cause of status.details.causes) {
    expect(cause.field).toMatch(/^(spec|<root>)/);
    expect(status.message).toContain(`${cause.field}: `);
  }
  if (field !== undefined) {
    const fields: string[] = status.details.causes.map((c: { field: string }) => c.field);
    expect(fields.some((f) => f.startsWith(field)), `${fields.join(', ')} should name ${field}`).toBe(true);
  }
  if (uid.length < 1_000) expect(a.text.length).toBeLessThan(MAX_DENIAL_BYTES);
}

/** Defaulting never refuses: it admits, with Marathon's defaults as a JSON Patch or untouched. */
function expectAdmitted(a: Answer, uid: string): void {
  expectReview(a, uid);
  expect(a.json.response.allowed).toBe(true);
  if (a.json.response.patch !== undefined) {
    expect(a.json.response.patchType).toBe('JSONPatch');
    const patch = JSON.parse(Buffer.from(a.json.response.patch, 'base64').toString());
    // The whole spec defaulted, or (a spec refused elsewhere) only its numeric strings made numbers.
    const numbersOnly = patch.length > 0 && patch.every((op: { op: string; path: string }) => op.op === 'replace' && /^\/spec\/(cpus|mem|disk|gpus|instances)$/.test(op.path));
    if (!numbersOnly) expect(patch).toEqual([expect.objectContaining({ op: 'replace', path: '/spec' })]);
  }
}

function reviewOf(request: Record<string, unknown>): Record<string, unknown> {
  return { apiVersion: 'admission.k8s.io/v1', kind: 'AdmissionReview', request };
}

function requestOf(uid: string, kind: string, object: unknown, operation = 'CREATE'): Record<string, unknown> {
  return { uid, kind: { group: 'dcos.dev', version: 'v1alpha1', kind }, resource: { group: 'dcos.dev', version: 'v1alpha1', resource: `${kind.toLowerCase()}s` }, operation, name: 'fuzz', namespace: 'default', object };
}

/** A DcosService that the webhook admits: the base every broken one starts from. */
function validService(): Record<string, unknown> {
  return {
    id: '/prod/web',
    cmd: 'python3 -m http.server $PORT0',
    cpus: 0.5,
    mem: 256,
    instances: 2,
    container: { type: 'DOCKER', docker: { image: 'python:3.12-slim' } },
    env: { LOG_LEVEL: 'info' },
    labels: { team: 'web' },
    healthChecks: [{ protocol: 'HTTP', path: '/', portIndex: 0 }],
    constraints: [['hostname', 'UNIQUE']],
    upgradeStrategy: { minimumHealthCapacity: 0.5, maximumOverCapacity: 0.5 },
  };
}

const uidArb = fc.oneof(fc.uuid(), fc.string({ minLength: 1, maxLength: 40, unit: 'binary' }));
// No null among them (nor NaN or Infinity, which JSON sends as null): in Marathon's JSON null means "not set".
const notString = fc.oneof(fc.integer(), fc.double({ noNaN: true, noDefaultInfinity: true }), fc.boolean(), fc.array(fc.jsonValue({ maxDepth: 2 }), { maxLength: 3 }), fc.dictionary(fc.string(), fc.jsonValue({ maxDepth: 2 }), { maxKeys: 3 }));
// A string holding a number is a number (Marathon 0.x read it so; see marathon-numeric-strings.ts).
const notNumber = fc.oneof(fc.string().filter((t) => numberInString(t, false) === undefined), fc.boolean(), fc.array(fc.integer(), { maxLength: 3 }), fc.dictionary(fc.string(), fc.integer(), { maxKeys: 2 }));
const notObject = fc.oneof(fc.string(), fc.integer(), fc.boolean(), fc.array(fc.jsonValue({ maxDepth: 2 }), { maxLength: 3 }));
const notArray = fc.oneof(fc.string(), fc.integer(), fc.boolean(), fc.dictionary(fc.string(), fc.integer(), { maxKeys: 2 }));
const nonEmptyNotA = (values: string[]) => fc.string({ minLength: 1, maxLength: 20 }).filter((s) => !values.includes(s));

/** One way to break an AdmissionReview envelope, so that it is no longer a v1 AdmissionReview. */
const envelopeBreakArb: fc.Arbitrary<[string, unknown]> = fc.oneof(
  fc.tuple(fc.constantFrom('apiVersion', 'kind', 'request', 'request.uid', 'request.kind', 'request.kind.group', 'request.kind.version', 'request.kind.kind', 'request.operation'), fc.constant(undefined)),
  fc.tuple(fc.constantFrom('apiVersion', 'kind', 'request.uid', 'request.kind.group', 'request.kind.version', 'request.kind.kind', 'request.operation', 'request.name', 'request.namespace'), notString),
  fc.tuple(fc.constant('apiVersion'), nonEmptyNotA(['admission.k8s.io/v1'])),
  fc.tuple(fc.constant('kind'), nonEmptyNotA(['AdmissionReview'])),
  fc.tuple(fc.constant('request.operation'), nonEmptyNotA(['CREATE', 'UPDATE', 'DELETE', 'CONNECT'])),
  fc.tuple(fc.constant('request.uid'), fc.constant('')),
  fc.tuple(fc.constantFrom('request', 'request.kind'), notObject),
  fc.tuple(fc.constant('request.dryRun'), fc.oneof(fc.string(), fc.integer(), fc.constant(null), fc.array(fc.boolean(), { maxLength: 2 }))),
);

function setPath(root: Record<string, unknown>, path: string, value: unknown): void {
  const parts = path.split('.');
  let node = root;
  for (const part of parts.slice(0, -1)) node = node[part] as Record<string, unknown>;
  const last = parts[parts.length - 1]!;
  if (value === undefined) delete node[last];
  else node[last] = value;
}

interface Break {
  /** The field the denial must name. */
  field: string;
  apply: (spec: Record<string, any>) => void;
}
const broken = (field: string, apply: Break['apply']): Break => ({ field, apply });

/** One way to break a DcosService. */
const serviceBreakArb: fc.Arbitrary<Break> = fc.oneof(
  notNumber.map((v) => broken('spec.cpus', (s) => (s.cpus = v))),
  fc.double({ min: -1e6, max: 0.0009, noNaN: true }).map((v) => broken('spec.cpus', (s) => (s.cpus = v))),
  fc.oneof(notNumber, fc.double({ min: -1e9, max: -0.001, noNaN: true })).map((v) => broken('spec.mem', (s) => (s.mem = v))),
  fc.oneof(notNumber, fc.integer({ max: -1 }), fc.double({ min: 0.01, max: 1e3, noNaN: true }).filter((d) => !Number.isInteger(d))).map((v) => broken('spec.instances', (s) => (s.instances = v))),
  fc.oneof(notString, fc.constant('')).map((v) => broken('spec.cmd', (s) => (s.cmd = v))),
  fc.array(fc.string(), { minLength: 1, maxLength: 4 }).map((v) => broken('spec.args', (s) => (s.args = v))),
  fc
    .tuple(fc.stringMatching(/^[a-z0-9]{1,8}$/), fc.stringMatching(/^[a-z]{0,4}[A-Z_][A-Za-z_]{0,6}$/))
    .map(([group, bad]) => broken('spec.id', (s) => (s.id = `/${group}/${bad}`))),
  fc.constantFrom('restart', 'tasks', 'versions').map((r) => broken('spec.id', (s) => (s.id = `/prod/${r}/web`))),
  fc.stringMatching(/^[A-Z_]{1,10}$/).filter((op) => !['UNIQUE', 'CLUSTER', 'GROUP_BY', 'LIKE', 'UNLIKE', 'MAX_PER', 'IS'].includes(op)).map((op) => broken('spec.constraints[0][1]', (s) => (s.constraints = [['hostname', op, 'x']]))),
  fc.array(fc.string(), { minLength: 0, maxLength: 6 }).filter((c) => c.length < 2 || c.length > 3).map((c) => broken('spec.constraints[0]', (s) => (s.constraints = [c]))),
  // Values that are no regular expression, which Marathon refused too (open-ended ones run with a warning).
  fc
    .tuple(fc.stringMatching(/^[a-z0-9-]{1,8}$/), fc.constantFrom('(', '[a', '(-[a-z]+', ')', '\\'), fc.constantFrom('LIKE', 'UNLIKE'))
    .map(([prefix, open, op]) => broken('spec.constraints[0][2]', (s) => (s.constraints = [['hostname', op, prefix + open]]))),
  fc.integer({ min: 1, max: 1000 }).map((i) => broken('spec.healthChecks[0].portIndex', (s) => (s.healthChecks[0].portIndex = i))),
  notArray.map((v) => broken('spec.healthChecks', (s) => (s.healthChecks = v))),
  fc.oneof(fc.double({ min: 1.0001, max: 1e6, noNaN: true }), fc.double({ min: -1e6, max: -0.0001, noNaN: true })).map((v) => broken('spec.upgradeStrategy.minimumHealthCapacity', (s) => (s.upgradeStrategy.minimumHealthCapacity = v))),
  fc.oneof(notString, fc.constant('')).map((v) => broken('spec.container.docker.image', (s) => (s.container.docker.image = v))),
  fc.oneof(fc.integer(), fc.boolean(), fc.array(fc.string(), { maxLength: 2 }), fc.constant({ secret: 42 })).map((v) => broken('spec.env.BROKEN', (s) => (s.env.BROKEN = v))),
  notString.map((v) => broken('spec.labels.broken', (s) => (s.labels.broken = v))),
  fc.oneof(fc.integer({ min: 65536 }), fc.integer({ max: -1 })).map((p) => broken('spec.portDefinitions[0].port', (s) => (s.portDefinitions = [{ port: p }]))),
  notObject.map((v) => broken('spec.container', (s) => (s.container = v))),
);

/** A string of 100 KB to 400 KB, from a random chunk (generating it char by char would be slow). */
const hugeArb = fc.tuple(fc.string({ minLength: 1, maxLength: 12 }), fc.integer({ min: 100_000, max: 400_000 })).map(([chunk, n]) => chunk.repeat(Math.ceil(n / chunk.length)));

/** Where a huge string goes, and what must come back. */
const hugePlacementArb = fc.constantFrom('uid', 'id', 'cmd+cpus', 'envKey', 'likeValue', 'name', 'kind', 'operation', 'unknownField');

function nested(depth: number, open: string, close: string, leaf: string): string {
  return open.repeat(depth) + leaf + close.repeat(depth);
}

beforeAll(async () => {
  const app = createWebhookApp({ validators: kindValidators(), log: pino({ level: 'silent' }) });
  server = createServer(app);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const { port } = server.address() as { port: number };
  pool = new Pool(`http://127.0.0.1:${port}`, { connections: 2, pipelining: 1, keepAliveTimeout: 30_000 });
});

afterAll(async () => {
  await pool?.close();
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
});

describe('the admission webhook app under malformed input', () => {
  it('admits the valid DcosService the broken ones are made from', async () => {
    const a = await post('/validate', JSON.stringify(reviewOf(requestOf('base', 'DcosService', { metadata: { name: 'web' }, spec: validService() }))));
    expectReview(a, 'base');
    expect(a.json.response.allowed, a.text).toBe(true);
  });

  it('answers 400 with a Status to AdmissionReviews with a missing or mistyped field', async () => {
    await fc.assert(
      fc.asyncProperty(uidArb, fc.constantFrom(...KINDS), envelopeBreakArb, fc.constantFrom(...PATHS), async (uid, kind, [path, value], endpoint) => {
        inputs++;
        const review = reviewOf(requestOf(uid, kind, { metadata: { name: 'x' }, spec: validService() }));
        setPath(review, path, value);
        const a = await post(endpoint, JSON.stringify(review));
        expectBadRequest(a);
        expect(a.json.message).toMatch(/^not an admission\.k8s\.io\/v1 AdmissionReview: /);
      }),
      { numRuns: RUNS.envelopes },
    );
  }, TIMEOUT);

  it('answers every well-formed AdmissionReview with arbitrary JSON as its object, for the same uid', async () => {
    const objectArb = fc.oneof(
      fc.jsonValue({ maxDepth: 4 }),
      fc.record({ metadata: fc.record({ name: fc.oneof(fc.string(), notString) }, { requiredKeys: [] }), spec: fc.jsonValue({ maxDepth: 4 }) }, { requiredKeys: ['spec'] }),
    );
    const kindArb = fc.oneof(fc.constantFrom(...KINDS), fc.string());
    const operationArb = fc.constantFrom('CREATE', 'UPDATE', 'DELETE', 'CONNECT');
    await fc.assert(
      fc.asyncProperty(uidArb, kindArb, operationArb, objectArb, async (uid, kind, operation, object) => {
        inputs++;
        const body = JSON.stringify(reviewOf(requestOf(uid, kind, object, operation)));
        const checked = await post('/validate', body);
        expectReview(checked, uid);
        const judged = KINDS.includes(kind) && (operation === 'CREATE' || operation === 'UPDATE');
        if (!judged) expect(checked.json.response.allowed).toBe(true);
        // No random spec is a whole DcosService (it has no image, at the least).
        else if (kind === 'DcosService') expectDenial(checked, uid);
        else if (!checked.json.response.allowed) expectDenial(checked, uid);
        const defaulted = await post('/mutate/dcosservices', body);
        expectAdmitted(defaulted, uid);
        if (kind !== 'DcosService') expect(defaulted.json.response.patch).toBeUndefined();
      }),
      { numRuns: RUNS.randomObjects },
    );
  }, TIMEOUT);

  it('denies a broken DcosService naming the broken field; defaulting still admits it', async () => {
    const junkArb = fc.dictionary(fc.string({ minLength: 1, maxLength: 8 }).filter((k) => !(k in validService())), fc.jsonValue({ maxDepth: 2 }), { maxKeys: 3 });
    await fc.assert(
      fc.asyncProperty(uidArb, serviceBreakArb, junkArb, fc.constantFrom('CREATE', 'UPDATE'), async (uid, broken, junk, operation) => {
        inputs++;
        const spec: Record<string, any> = { ...junk, ...validService() };
        broken.apply(spec);
        const object = { apiVersion: 'dcos.dev/v1alpha1', kind: 'DcosService', metadata: { name: 'web', namespace: 'default' }, spec };
        const body = JSON.stringify(reviewOf({ ...requestOf(uid, 'DcosService', object, operation), oldObject: operation === 'UPDATE' ? { ...object, spec: validService() } : undefined }));
        expectDenial(await post('/validate', body), uid, broken.field);
        expectAdmitted(await post('/mutate/dcosservices', body), uid);
      }),
      { numRuns: RUNS.brokenServices },
    );
  }, TIMEOUT);

  it('answers huge strings (100 KB and more) without echoing them back in full', async () => {
    await fc.assert(
      fc.asyncProperty(uidArb, hugeArb, hugePlacementArb, fc.constantFrom(...PATHS), async (uid, huge, placement, endpoint) => {
        inputs++;
        const spec = validService();
        const request = requestOf(uid, 'DcosService', { metadata: { name: 'web' }, spec });
        let field: string | undefined;
        let envelopeBroken = false;
        switch (placement) {
          case 'uid':
            request.uid = `X${huge}`;
            break;
          case 'id':
            spec.id = `/prod/X${huge}`;
            field = 'spec.id';
            break;
          case 'cmd+cpus':
            spec.cmd = huge;
            spec.cpus = huge;
            field = 'spec.cpus';
            break;
          case 'envKey':
            spec.env = { [huge]: 7 };
            field = 'spec.env.';
            break;
          case 'likeValue':
            // Without '(': thousands of nested groups are deep nesting, which the next property covers.
            // An unclosed '[' at the end: no regular expression, which Marathon refused (open-ended ones run with a warning).
            spec.constraints = [['hostname', 'LIKE', `${huge.replaceAll('(', 'x').replaceAll('\\', 'x')}[`]];
            field = 'spec.constraints[0][2]';
            break;
          case 'name':
            request.name = huge;
            spec.args = ['both', 'cmd and args'];
            field = 'spec.args';
            break;
          case 'kind':
            request.kind = { group: 'dcos.dev', version: 'v1alpha1', kind: huge };
            break;
          case 'operation':
            request.operation = huge;
            envelopeBroken = true;
            break;
          case 'unknownField':
            (spec as Record<string, unknown>)[huge.slice(0, 64)] = huge;
            break;
        }
        const a = await post(endpoint, JSON.stringify(reviewOf(request)));
        if (envelopeBroken) return expectBadRequest(a);
        const sentUid = request.uid as string;
        if (endpoint === '/mutate/dcosservices') return expectAdmitted(a, sentUid);
        if (field !== undefined) return expectDenial(a, sentUid, field);
        expectReview(a, sentUid);
        // A huge uid is echoed (it must be); anything else admitted comes back small.
        if (placement !== 'uid') expect(a.text.length).toBeLessThan(MAX_DENIAL_BYTES);
      }),
      { numRuns: RUNS.hugeStrings },
    );
  }, TIMEOUT);

  it('answers deep nesting (1,000 to 20,000 levels) anywhere in the body', async () => {
    const placementArb = fc.constantFrom('envValue', 'checkValue', 'specJunk', 'likeGroups', 'object', 'requestKind', 'root', 'rootArray');
    await fc.assert(
      fc.asyncProperty(uidArb, fc.integer({ min: 1_000, max: 20_000 }), fc.constantFrom('object', 'array'), placementArb, fc.constantFrom(...PATHS), async (uid, depth, shape, placement, endpoint) => {
        inputs++;
        const deep = shape === 'object' ? nested(depth, '{"a":', '}', '1') : nested(depth, '[', ']', '1');
        const spec = JSON.stringify(validService());
        const head = `{"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview","request":{"uid":${JSON.stringify(uid)},"operation":"CREATE","name":"deep",`;
        const kindJson = '"kind":{"group":"dcos.dev","version":"v1alpha1","kind":"DcosService"}';
        let body: string;
        let expected: 'badRequest' | { field: string } | 'answered';
        switch (placement) {
          case 'envValue':
            body = `${head}${kindJson},"object":{"metadata":{"name":"deep"},"spec":${spec.slice(0, -1)},"env":{"DEEP":${deep}}}}}}`;
            expected = { field: 'spec.env.DEEP' };
            break;
          case 'checkValue':
            body = `${head}${kindJson},"object":{"metadata":{"name":"deep"},"spec":${spec.slice(0, -1)},"check":${deep}}}}}`;
            expected = 'answered';
            break;
          case 'specJunk':
            body = `${head}${kindJson},"object":{"metadata":{"name":"deep"},"spec":${spec.slice(0, -1)},"cpus":"many","junk":${deep}}}}}`;
            expected = { field: 'spec.cpus' };
            break;
          case 'likeGroups':
            body = `${head}${kindJson},"object":{"metadata":{"name":"deep"},"spec":${spec.slice(0, -1)},"constraints":[["hostname","LIKE","${nested(depth, '(', ')', 'rack-1')}["]]}}}}`;
            expected = { field: 'spec.constraints[0][2]' };
            break;
          case 'object':
            body = `${head}${kindJson},"object":${deep}}}`;
            expected = { field: shape === 'object' ? 'spec' : '<root>' };
            break;
          case 'requestKind':
            body = `${head}"kind":${deep}}}`;
            expected = 'badRequest';
            break;
          case 'root':
            body = deep;
            expected = 'badRequest';
            break;
          case 'rootArray':
            body = nested(depth, '[', ']', '');
            expected = 'badRequest';
            break;
        }
        const a = await post(endpoint, body);
        if (expected === 'badRequest') return expectBadRequest(a);
        if (endpoint === '/mutate/dcosservices') return expectAdmitted(a, uid);
        if (expected === 'answered') return expectReview(a, uid);
        expectDenial(a, uid);
        const fields: string[] = a.json.response.status.details.causes.map((c: { field: string }) => c.field);
        // JSON nesting is refused at its own path; thousands of nested regex groups inside one string
        // may still exhaust the regex reader's stack: denied all the same, then at <root>.
        const named = fields.some((f) => f.startsWith(expected.field));
        expect(placement === 'likeGroups' ? named || fields.every((f) => f === '<root>') : named, fields.join(', ')).toBe(true);
      }),
      { numRuns: RUNS.deepNesting },
    );
  }, TIMEOUT);

  it('answers 400 to bodies that are not JSON, or JSON that is not an object', async () => {
    const validBody = JSON.stringify(reviewOf(requestOf('u-1', 'DcosService', { metadata: { name: 'x' }, spec: validService() })));
    const notJson = (s: string) => {
      try {
        JSON.parse(s);
        return false;
      } catch {
        return true;
      }
    };
    const bodyArb = fc.oneof(
      fc.string({ unit: 'binary' }).filter(notJson),
      fc.integer({ min: 1, max: validBody.length - 1 }).map((n) => validBody.slice(0, n)),
      fc.uint8Array({ minLength: 1, maxLength: 2_000 }).map((bytes) => Buffer.from(bytes)).filter((b) => notJson(b.toString())),
      fc.jsonValue({ maxDepth: 3 }).filter((v) => typeof v !== 'object' || v === null || Array.isArray(v)).map((v) => JSON.stringify(v)),
      fc.constantFrom('', ' ', '\n', 'null', 'true', '0', '""', '[]', '{}', '{"apiVersion":"admission.k8s.io/v1"}', '{"request":null}', validBody.replace('{', '{,')),
    );
    await fc.assert(
      fc.asyncProperty(bodyArb, fc.constantFrom(...PATHS), async (body, endpoint) => {
        inputs++;
        expectBadRequest(await post(endpoint, body));
      }),
      { numRuns: RUNS.invalidJson },
    );
  }, TIMEOUT);

  it('answers 400 to bodies over the 4 MB limit and keeps serving', async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 4 * 1024 * 1024 + 1, max: 6 * 1024 * 1024 }), fc.constantFrom(...PATHS), fc.boolean(), async (size, endpoint, asReview) => {
        inputs++;
        const filler = 'a'.repeat(size);
        const body = asReview ? JSON.stringify(reviewOf(requestOf('big', 'DcosService', { metadata: { name: 'big' }, spec: { ...validService(), cmd: filler } }))) : filler;
        const a = await post(endpoint, body);
        expectBadRequest(a);
        expect(a.json.message).toMatch(/larger than 4mb/);
      }),
      { numRuns: RUNS.oversized },
    );
  }, TIMEOUT);

  it(`still judges a real review after ${Object.values(RUNS).reduce((a, b) => a + b)} malformed inputs`, async () => {
    expect(server.listening).toBe(true);
    const spec = { ...validService(), cmd: undefined, args: undefined };
    const good = await post('/validate', JSON.stringify(reviewOf(requestOf('after', 'DcosService', { metadata: { name: 'web' }, spec }))));
    expectReview(good, 'after');
    expect(good.json.response.allowed).toBe(true);
    const defaulted = await post('/mutate/dcosservices', JSON.stringify(reviewOf(requestOf('after-2', 'DcosService', { metadata: { name: 'web' }, spec: { container: { docker: { image: 'nginx' } } } }))));
    expectAdmitted(defaulted, 'after-2');
    const patched = JSON.parse(Buffer.from(defaulted.json.response.patch, 'base64').toString());
    expect(patched[0].value).toMatchObject({ cpus: 1, mem: 128, instances: 1, upgradeStrategy: { minimumHealthCapacity: 1, maximumOverCapacity: 1 } });
    expect(inputs).toBeGreaterThanOrEqual(10_000);
    console.log(`webhook fuzz: ${inputs} generated inputs, ${requests} HTTP requests`);
  }, TIMEOUT);
});
