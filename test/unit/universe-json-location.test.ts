import { describe, expect, it } from 'vitest';
import { formatJsonPath, locateJsonError, parseJson } from '../../src/universe/json-location.ts';

describe('locateJsonError', () => {
  it.each([
    ['a trailing comma in an object', '{"packages": [{"name": "a",}]}', 'packages[0]', 1, 28],
    ['a missing comma between elements', '{"a": [1 2]}', 'a[0]', 1, 10],
    ['an unquoted key', '{\n  "a": {\n    b: 1\n  }\n}', 'a', 3, 5],
    ['a raw newline in a string', '{"a": {"b": "x\ny"}}', 'a.b', 1, 15],
    ['text after the value', '{"a": 1} x', '', 1, 10],
    ['an unclosed object', '{"a": {"b": 1}', 'a', 1, 15],
    ['a key with odd characters', '{"a b": [true, nul]}', '["a b"][1]', 1, 16],
  ])('finds %s', (_name, text, path, line, column) => {
    expect(() => JSON.parse(text)).toThrow();
    expect(locateJsonError(text)).toMatchObject({ path, line, column });
  });

  it('names the file and place in parseJson messages', () => {
    const result = parseJson('{"a": [1,]}', 'config.json');
    expect(result).toEqual({ ok: false, error: { reason: 'InvalidJson', message: expect.stringMatching(/^config\.json is not valid JSON: line 1 column 10 \(at a\[1\]\): expected a value/) } });
  });

  it('formats paths as a user would write them', () => {
    expect(formatJsonPath(['packages', 3, 'resource', 'nginx-docker', 'x y'])).toBe('packages[3].resource.nginx-docker["x y"]');
  });
});
