import { randomUUID } from 'node:crypto';
import Mustache from 'mustache';
import { locateJsonError } from './json-location.ts';
import { fail, isJsonObject, ok, type JsonObject, type JsonValue, type Result } from './universe-result.ts';

/**
 * How a value lands in the template text, as Cosmos did it (its PackageDefinitionRenderer turned
 * HTML escaping off and JSON-escaped every string before mustache saw it). Strings are JSON-escaped so no option can close the
 * JSON string it sits in; `{{{x}}}` gets the same treatment because upstream templates put it
 * inside JSON strings for values holding quotes (placement constraints), as Cosmos escaped them.
 * Arrays and objects (`"constraints": {{service.constraints}}`) become a quoted marker that is
 * swapped for the value itself after parsing: it lands as one whole JSON value where the template
 * put it, and inside a JSON string the marker breaks the JSON instead of injecting structure.
 */
class TemplateValues {
  readonly nonce = randomUUID();
  readonly embedded: JsonValue[] = [];

  text(value: unknown): string {
    if (typeof value === 'string') return JSON.stringify(value).slice(1, -1);
    if (typeof value === 'number') return javaNumberText(value);
    if (Array.isArray(value) || isJsonObject(value)) {
      this.embedded.push(value);
      return `"${this.marker(this.embedded.length - 1)}"`;
    }
    return String(value);
  }

  marker(index: number): string {
    return `@@dcos-value-${this.nonce}-${index}@@`;
  }

  restore(value: JsonValue): JsonValue {
    if (typeof value === 'string') {
      const match = /^@@dcos-value-([0-9a-f-]+)-(\d+)@@$/.exec(value);
      if (match && match[1] === this.nonce) return structuredClone(this.embedded[Number(match[2])]!);
      return value;
    }
    if (Array.isArray(value)) return value.map((v) => this.restore(v));
    if (isJsonObject(value)) {
      const out: JsonObject = {};
      for (const [key, item] of Object.entries(value)) out[key] = this.restore(item);
      return out;
    }
    return value;
  }
}

/**
 * A number as Cosmos wrote it: its renderer handed mustache.java an Int when the JSON number was
 * a whole number in int range, a Double otherwise, and Java prints a Double as `Double.toString`
 * does: `1.5`, but `3.0E9` and `1.0E-4` (scientific outside 10^-3 .. 10^7). Same value as JSON;
 * it matters where a template puts a number inside a string (`"--max={{x}}"`).
 */
export function javaNumberText(n: number): string {
  if (!Number.isFinite(n)) return String(n);
  if (Number.isInteger(n) && n >= -2147483648 && n <= 2147483647) return String(n);
  const abs = Math.abs(n);
  if (abs >= 1e-3 && abs < 1e7) return Number.isInteger(n) ? `${n}.0` : String(n);
  // Shortest round-trip digits (as JavaScript's own), laid out as Java's computerized notation.
  const [mantissa, exponent] = n.toExponential().split('e') as [string, string];
  return `${mantissa.includes('.') ? mantissa : `${mantissa}.0`}E${Number(exponent)}`;
}

interface LookupContext {
  lookup(name: string): unknown;
  push(view: unknown): LookupContext;
}

let current: TemplateValues | undefined;
const writer = new Mustache.Writer();
// Both tag kinds go through TemplateValues; mustache's own HTML escaping never runs.
writer.escapedValue = (token: string[], context: LookupContext) => {
  const value = context.lookup(token[1]!);
  return value == null ? '' : current!.text(value);
};
writer.unescapedValue = (token: string[], context: LookupContext) => {
  const value = context.lookup(token[1]!);
  return value == null ? '' : current!.text(value);
};
// mustache.java (Cosmos) took a number, 0 included, as a true section value; mustache.js takes 0
// as false. Sections follow Cosmos: `{{#x}}` renders and `{{^x}}` does not when x is 0.
type SectionRenderer = (token: unknown[], context: LookupContext, ...rest: unknown[]) => string | undefined;
interface SectionWriter {
  renderSection: SectionRenderer;
  renderInverted: SectionRenderer;
  renderTokens: (tokens: unknown, context: LookupContext, ...rest: unknown[]) => string;
}
const sections = writer as unknown as SectionWriter;
const renderSection = sections.renderSection;
const renderInverted = sections.renderInverted;
sections.renderSection = function (this: SectionWriter, token, context, ...rest) {
  if (context.lookup(token[1] as string) === 0) return this.renderTokens(token[4], context.push(0), ...rest);
  return renderSection.call(this, token, context, ...rest);
};
sections.renderInverted = function (this: SectionWriter, token, context, ...rest) {
  if (context.lookup(token[1] as string) === 0) return undefined;
  return renderInverted.call(this, token, context, ...rest);
};

function excerpt(line: string, column: number): string {
  const start = Math.max(0, column - 60);
  // The marker's random part means nothing to a reader.
  const text = line.slice(start, start + 120).trim().replace(/"@@dcos-value-[0-9a-f-]+-\d+@@"/g, '<array or object option>');
  return (start > 0 ? '…' : '') + text + (line.length > start + 120 ? '…' : '');
}

/**
 * Renders a marathon.json.mustache with the install context (options plus `resource`) and parses
 * the output, which must be one JSON object (a Marathon app or group).
 */
export function renderTemplate(template: string, context: JsonObject): Result<JsonObject> {
  const values = new TemplateValues();
  let rendered: string;
  current = values;
  try {
    rendered = writer.render(template, context, {});
  } catch (error) {
    return fail('TemplateInvalid', `marathon.json.mustache is not a valid mustache template: ${(error as Error).message}`);
  } finally {
    current = undefined;
  }
  let parsed: JsonValue;
  try {
    parsed = JSON.parse(rendered) as JsonValue;
  } catch {
    const at = locateJsonError(rendered);
    const line = rendered.split('\n')[at.line - 1] ?? '';
    return fail('TemplateNotJson', `template did not render to JSON at line ${at.line} column ${at.column}: ${at.problem} (near: ${excerpt(line, at.column)})`);
  }
  if (!isJsonObject(parsed)) return fail('TemplateNotJson', 'template did not render to a JSON object (a Marathon app or group)');
  return ok(values.restore(parsed) as JsonObject);
}
