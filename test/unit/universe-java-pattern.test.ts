import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { javaPatternToEcma } from '../../src/universe/java-pattern.ts';
import { optionsValidator } from '../../src/universe/options-schema.ts';
import { isJsonObject, type JsonObject, type JsonValue } from '../../src/universe/universe-result.ts';
import { corpusPath, describeCorpus } from '../support/corpora.ts';

function matcher(pattern: string): RegExp {
  const ecma = javaPatternToEcma(pattern);
  if (ecma instanceof Error) throw ecma;
  return new RegExp(ecma.source, 'u');
}

describe('javaPatternToEcma: what a package author wrote for java.util.regex, checked as Java read it', () => {
  it.each([
    ['escaped punctuation Java allows and strict JavaScript refuses', '^[a-zA-Z0-9\\_\\-]+$', ['a_b-c'], ['a b', 'a.b']],
    ['\\_ outside a class', '^a\\_b\\@c$', ['a_b@c'], ['ab@c']],
    ['POSIX classes are ASCII, as in Java', '^\\p{Alpha}+$', ['abc'], ['ab1', 'é', 'p{Alpha}']],
    ['POSIX classes inside a class', '^[\\p{Alnum}\\-.]+$', ['a-1.b'], ['a b']],
    ['negated POSIX classes', '^[^\\p{Space}]+$', ['ab'], ['a b']],
    ['Unicode categories and java.lang.Character classes', '^\\p{Lu}\\p{javaLowerCase}*$', ['Abc', 'Éa'], ['abc']],
    ['Is-prefixed scripts', '^\\p{IsLatin}+$', ['abc'], ['αβ']],
    ['possessive quantifiers (read as greedy)', '^a++b?+c*+d{1,2}+$', ['aad', 'abcdd'], ['b']],
    ['a leading embedded flag for the whole pattern', '(?i)^yes$', ['YES', 'yes'], ['no']],
    ['an embedded flag in the middle applies to the rest, every later alternative included', '^a(?i)b|c$', ['aB', 'C'], ['AB']],
    ['scoped flags', '^(?i:ab)c$', ['ABc'], ['ABC']],
    ['class intersection', '^[a-z&&[^aeiou]]+$', ['bcd'], ['bad', 'B']],
    ['nested classes (union)', '^[\\w[\\-.]]+$', ['a.b-c'], ['a b']],
    ['\\A and \\z', '\\Aab\\z', ['ab'], ['abc', 'xab']],
    ['\\Q...\\E quoting', '^\\Q1.2*\\E$', ['1.2*'], ['112', '1.22']],
    ['atomic groups (read as plain groups)', '^(?>a|ab)c$', ['ac'], ['abd']],
    ['\\x{...} and octal escapes', '^\\x{41}\\0101$', ['AA'], ['A']],
    ['a lone "]" or "}" is literal in Java', '^a]}$', ['a]}'], ['a']],
  ])('%s: %s', (_name, pattern, matches, rejects) => {
    const re = matcher(pattern);
    for (const s of matches) expect(re.test(s), `${pattern} should match ${JSON.stringify(s)}`).toBe(true);
    for (const s of rejects) expect(re.test(s), `${pattern} should not match ${JSON.stringify(s)}`).toBe(false);
  });

  it('says which Java forms were only approximated', () => {
    expect(javaPatternToEcma('^a++(?>b)$')).toMatchObject({ approximations: ['possessive quantifier read as greedy', 'atomic group read as a plain group'] });
    expect(javaPatternToEcma('^[a-z]+$')).toEqual({ source: '^[a-z]+$', approximations: [] });
  });

  it('falls back to what Cosmos\'s JavaScript engine accepted (no `u` flag): an unknown escape is the letter itself', () => {
    expect(matcher('^\\y$').test('y')).toBe(true);
    expect(matcher('^a{$').test('a{')).toBe(true);
  });

  it.each([['(['], ['a(b'], ['*a']])('refuses %s, which neither Java nor JavaScript reads', (pattern) => {
    expect(javaPatternToEcma(pattern)).toBeInstanceOf(Error);
  });
});

describe('optionsValidator with Java patterns', () => {
  const config: JsonObject = {
    type: 'object',
    properties: { service: { type: 'object', properties: { name: { type: 'string', pattern: '^[a-z0-9\\_\\-]++$' } } } },
  };

  it('accepts the config.json and checks the pattern as Java did', () => {
    const validate = optionsValidator(config);
    if (validate instanceof Error) throw validate;
    expect(validate({ service: { name: 'my_kafka-1' } })).toEqual([]);
    // The message quotes the pattern as the package wrote it, not its translation.
    expect(validate({ service: { name: 'My Kafka' } })).toEqual([{ path: 'service.name', message: 'must match pattern "^[a-z0-9\\_\\-]++$"' }]);
  });
});

function patternsIn(node: JsonValue, out: string[]): string[] {
  if (Array.isArray(node)) node.forEach((n) => patternsIn(n, out));
  else if (isJsonObject(node)) {
    for (const [key, value] of Object.entries(node)) {
      if (key === 'pattern' && typeof value === 'string') out.push(value);
      if (key === 'patternProperties' && isJsonObject(value)) out.push(...Object.keys(value));
      patternsIn(value, out);
    }
  }
  return out;
}

describeCorpus('universe', 'the patterns of the visible Universe', () => {
  const root = corpusPath('universe', 'repo', 'packages');
  const found: Array<{ file: string; pattern: string }> = [];
  for (const letter of readdirSync(root)) {
    for (const name of readdirSync(join(root, letter))) {
      for (const release of readdirSync(join(root, letter, name))) {
        const file = join(root, letter, name, release, 'config.json');
        let text: string;
        try {
          text = readFileSync(file, 'utf8');
        } catch {
          continue;
        }
        for (const pattern of patternsIn(JSON.parse(text) as JsonValue, [])) found.push({ file: `${letter}/${name}/${release}`, pattern });
      }
    }
  }

  it('has patterns to check', () => {
    expect(found.length).toBeGreaterThan(5);
  });

  it.each(found.map((f) => [f.file, f.pattern]))('%s: %s compiles, unchanged where strict JavaScript already reads it', (_file, pattern) => {
    const ecma = javaPatternToEcma(pattern);
    expect(ecma).not.toBeInstanceOf(Error);
    if (!(ecma instanceof Error) && !/&&|\\[pP]/.test(pattern)) {
      let strict = true;
      try {
        new RegExp(pattern, 'u');
      } catch {
        strict = false;
      }
      if (strict) expect(ecma.source).toBe(pattern);
    }
  });

  it('the service-name pattern of the SDK packages accepts folder-style names and refuses upper case', () => {
    const sdk = found.find((f) => f.pattern.startsWith('^(\\/?((\\.\\.)'));
    expect(sdk).toBeDefined();
    const re = matcher(sdk!.pattern);
    expect(['kafka', '/prod/kafka', 'a.b/c-d'].every((s) => re.test(s))).toBe(true);
    expect(re.test('Kafka')).toBe(false);
  });
});
