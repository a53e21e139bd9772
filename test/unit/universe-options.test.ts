import { describe, expect, it } from 'vitest';
import { defaultsFromConfig, mergeOptions, resolveOptions, validateOptions } from '../../src/universe/package-options.ts';
import type { JsonObject } from '../../src/universe/universe-result.ts';

const config: JsonObject = {
  type: 'object',
  properties: {
    service: {
      type: 'object',
      properties: {
        name: { type: 'string', default: 'demo' },
        cpus: { type: 'number', minimum: 0.1, default: 1 },
        mode: { type: 'string', enum: ['a', 'b'], default: 'a' },
        secret: { type: 'string' },
        nested: { type: 'object', properties: { deep: { type: 'integer', default: 3 } } },
      },
      required: ['name', 'cpus'],
      additionalProperties: false,
    },
    whole: { type: 'object', default: { x: 1 }, properties: { y: { type: 'integer', default: 2 } } },
    empty: { type: 'object', properties: { noDefault: { type: 'string' } } },
    list: { type: 'array', items: { type: 'string' }, default: ['a'] },
  },
};

describe('defaultsFromConfig', () => {
  it('collects every properties.*.default recursively, as Cosmos did', () => {
    expect(defaultsFromConfig(config)).toEqual({
      service: { name: 'demo', cpus: 1, mode: 'a', nested: { deep: 3 } },
      // A default on an object wins over the defaults of its properties.
      whole: { x: 1 },
      // An object without defaults still appears, empty: templates can test its members.
      empty: {},
      list: ['a'],
    });
  });

  it('gives nothing for a package without config', () => {
    expect(defaultsFromConfig(undefined)).toEqual({});
  });

  it('does not share default objects with the config (a merge cannot change the package)', () => {
    const defaults = defaultsFromConfig(config);
    (defaults.whole as JsonObject).x = 99;
    expect(defaultsFromConfig(config).whole).toEqual({ x: 1 });
  });
});

describe('mergeOptions', () => {
  it.each([
    ['objects merge key by key', { a: { b: 1, c: 2 } }, { a: { c: 3 } }, { a: { b: 1, c: 3 } }],
    ['arrays replace, never concatenate', { a: [1, 2] }, { a: [3] }, { a: [3] }],
    ['a scalar replaces an object', { a: { b: 1 } }, { a: 5 }, { a: 5 }],
    ['an object replaces a scalar', { a: 5 }, { a: { b: 1 } }, { a: { b: 1 } }],
    ['null replaces (and validation decides)', { a: 1 }, { a: null }, { a: null }],
    ['new keys are added', { a: 1 }, { b: 2 }, { a: 1, b: 2 }],
  ])('%s', (_name, base, overrides, expected) => {
    expect(mergeOptions(base as JsonObject, overrides as JsonObject)).toEqual(expected);
  });
});

/** A config.json of these properties. */
const props = (properties: JsonObject): JsonObject => ({ type: 'object', properties });

describe('validateOptions', () => {
  it.each([
    ['a number under its minimum', { service: { cpus: 0.01 } }, 'service.cpus: must be >= 0.1'],
    ['a wrong type', { service: { cpus: 'lots' } }, 'service.cpus: must be number'],
    ['a value outside an enum', { service: { mode: 'c' } }, 'service.mode: must be one of "a", "b"'],
    ['an unknown option', { service: { cpu: 2 } }, 'service.cpu: is not an option of this package'],
    ['an array item of the wrong type', { list: ['a', 7] }, 'list[1]: must be string'],
    ['a nested integer', { service: { nested: { deep: 1.5 } } }, 'service.nested.deep: must be integer'],
  ])('names the option path for %s', (_name, options, message) => {
    const result = resolveOptions(config, options as JsonObject);
    expect(result).toEqual({ ok: false, error: { reason: 'OptionsInvalid', message: expect.stringContaining(message) } });
  });

  it('reports a required option without default by its path', () => {
    const result = validateOptions(config, { service: { cpus: 1 } });
    expect(!result.ok && result.error.message).toBe('service.name: is required');
  });

  it('reports every problem at once', () => {
    const result = resolveOptions(config, { service: { cpus: 0, mode: 'z' } });
    expect(!result.ok && result.error.message.split('; ')).toEqual(['service.cpus: must be >= 0.1', 'service.mode: must be one of "a", "b"']);
  });

  it('returns the merged options when they are valid', () => {
    const result = resolveOptions(config, { service: { cpus: 2, secret: 's' } });
    expect(result.ok && result.value.service).toEqual({ name: 'demo', cpus: 2, mode: 'a', secret: 's', nested: { deep: 3 } });
  });

  it('reads upstream config quirks: documentation links in id, any $schema, unknown formats', () => {
    const quirky: JsonObject = {
      $schema: 'http://json-schema.org/schema#',
      type: 'object',
      properties: {
        ldap: { id: 'http://docs.example/ldap#options', type: 'object', properties: { url: { type: 'string', format: 'uri', default: 'x' } } },
        other: { id: 'http://docs.example/ldap#options', type: 'string', default: 'y' },
        // A property may itself be called id: it must stay.
        id: { type: 'string', default: 'z', minLength: 1 },
      },
    };
    expect(resolveOptions(quirky, {})).toEqual({ ok: true, value: { ldap: { url: 'x' }, other: 'y', id: 'z' } });
    expect(resolveOptions(quirky, { id: '' }).ok).toBe(false);
  });

  it.each([
    ['an exclusive minimum (draft-04 boolean form)', props({ n: { type: 'number', minimum: 1, exclusiveMinimum: true } }), { n: 1 }, 'n: must be > 1'],
    ['a maximum', props({ n: { type: 'integer', maximum: 5 } }), { n: 6 }, 'n: must be <= 5'],
    ['a pattern', props({ s: { type: 'string', pattern: '^yes$' } }), { s: 'no' }, 's: must match pattern "^yes$"'],
    ['a too short string', props({ s: { type: 'string', minLength: 10 } }), { s: 'short' }, 's: must NOT have fewer than 10 characters'],
    ['too many items', props({ l: { type: 'array', maxItems: 1 } }), { l: [1, 2] }, 'l: must NOT have more than 1 items'],
    ['a type union', props({ s: { type: ['string', 'null'] } }), { s: 3 }, 's: must be string,null'],
    ['no branch of anyOf', props({ s: { anyOf: [{ type: 'string' }, { type: 'integer' }] } }), { s: 1.5 }, 's: must match a schema in anyOf'],
    ['a property its dependency needs', { ...props({ a: {}, b: {} }), dependencies: { a: ['b'] } }, { a: 1 }, 'options: must have property b when property a is present'],
    ['an option whose name holds / and #', props({ 'x/y#z': { type: 'integer' } }), { 'x/y#z': 'a' }, '["x/y#z"]: must be integer'],
    ['a required option of a nested object', props({ o: { type: 'object', required: ['k'] } }), { o: {} }, 'o.k: is required'],
  ])('words %s as the webhook shows it', (_name, schema, options, message) => {
    const result = validateOptions(schema, options as JsonObject);
    expect(!result.ok && result.error.message.split('; ')).toContain(message);
  });

  it('does not enforce formats, as Cosmos did not', () => {
    expect(validateOptions({ type: 'object', properties: { u: { type: 'string', format: 'uri' } } }, { u: 'not a uri' }).ok).toBe(true);
  });

  it.each([
    ['an unknown type', { a: { type: 'no-such-type' } }, /a: type "no-such-type" is not a JSON Schema type/],
    ['a pattern that is no regular expression', { a: { type: 'string', pattern: '([' } }, /a: pattern "\(\[" is not a regular expression/],
    ['required written as a boolean (draft-03)', { a: { type: 'string', required: true } }, /a: required must be an array/],
    ['a $ref to nowhere', { a: { $ref: '#/definitions/missing' } }, /config\.json is not a usable JSON Schema/],
  ])('says so when config.json is not a usable schema: %s', (_name, properties, message) => {
    const result = validateOptions({ type: 'object', properties: properties as JsonObject }, { a: 'x' });
    expect(result).toEqual({ ok: false, error: { reason: 'InvalidPackage', message: expect.stringMatching(message) } });
  });
});
