/**
 * config.json `pattern`s as their authors wrote them, for JavaScript.
 *
 * How Cosmos checked a pattern: its JSON Schema validator (fge json-schema-validator,
 * `RegexECMA262Helper`) ran `new RegExp(pattern)` in Nashorn or Rhino, a JavaScript engine without
 * the `u` flag, so escapes like `\_` or `\-` that strict (`u`) JavaScript refuses were identity
 * escapes. Package authors, mostly Java programmers, also wrote `java.util.regex` forms that a
 * JavaScript engine reads differently or not at all: possessive quantifiers (`a++`), POSIX and
 * Unicode classes (`\p{Alpha}`, `\p{IsLatin}`), embedded flags (`(?i)`), `\A`, `\z`, `\Q...\E`,
 * nested classes and intersections (`[a-z&&[^aeiou]]`), atomic groups.
 *
 * `javaPatternToEcma` rewrites a pattern read as a Java regular expression into a `u`-mode
 * JavaScript one that matches the same strings (what the validator compiles). Two forms only
 * approximate: possessive quantifiers and atomic groups become greedy ones (they only differ when
 * backtracking into them would have found a match, which a validation pattern almost never relies
 * on); they are listed in `approximations`.
 */

export interface EcmaPattern {
  /** A pattern for `new RegExp(source, 'u')`. */
  source: string;
  /** Java forms with no exact JavaScript equivalent that were approximated (for a warning). */
  approximations: string[];
}

class Untranslatable extends Error {}

const SYNTAX = new Set('^$\\.*+?()[]{}|/'.split(''));
const hex = (cp: number) => `\\u{${cp.toString(16)}}`;

// java.util.regex POSIX classes (US-ASCII), as class bodies.
const POSIX: Record<string, string> = {
  Lower: 'a-z',
  Upper: 'A-Z',
  ASCII: '\\x00-\\x7f',
  Alpha: 'a-zA-Z',
  Digit: '0-9',
  Alnum: 'a-zA-Z0-9',
  Punct: '!-\\/:-@\\[-`{-~',
  Graph: '!-~',
  Print: ' -~',
  Blank: ' \\t',
  Cntrl: '\\x00-\\x1f\\x7f',
  XDigit: '0-9a-fA-F',
  Space: ' \\t\\n\\x0b\\f\\r',
};

// java.lang.Character predicates, as Unicode properties JavaScript has.
const JAVA_CHARACTER: Record<string, string> = {
  javaLowerCase: '\\p{Lowercase}',
  javaUpperCase: '\\p{Uppercase}',
  javaAlphabetic: '\\p{Alphabetic}',
  javaLetter: '\\p{L}',
  javaDigit: '\\p{Nd}',
  javaLetterOrDigit: '\\p{L}\\p{Nd}',
  javaWhitespace: '\\t-\\r\\x1c-\\x20\\u1680\\u2000-\\u2006\\u2008-\\u200a\\u2028\\u2029\\u205f\\u3000',
  javaMirrored: '\\p{Bidi_Mirrored}',
  javaTitleCase: '\\p{Lt}',
  javaIdeographic: '\\p{Ideographic}',
  javaSpaceChar: '\\p{Zs}\\p{Zl}\\p{Zp}',
  javaISOControl: '\\x00-\\x1f\\x7f-\\x9f',
};

const BINARY: Record<string, string> = {
  alphabetic: 'Alphabetic',
  ideographic: 'Ideographic',
  letter: 'L',
  lowercase: 'Lowercase',
  uppercase: 'Uppercase',
  titlecase: 'Lt',
  punctuation: 'P',
  control: 'Cc',
  white_space: 'White_Space',
  whitespace: 'White_Space',
  digit: 'Nd',
  hex_digit: 'Hex_Digit',
  hexdigit: 'Hex_Digit',
  join_control: 'Join_Control',
  joincontrol: 'Join_Control',
  noncharacter_code_point: 'Noncharacter_Code_Point',
  assigned: 'Assigned',
  emoji: 'Emoji',
};

function unicodeProperty(name: string): string | undefined {
  const test = (p: string) => {
    try {
      new RegExp(`\\p{${p}}`, 'u');
      return true;
    } catch {
      return false;
    }
  };
  const eq = /^(script|sc|general_category|gc|block|blk)\s*=\s*(.+)$/i.exec(name);
  if (eq) {
    const kind = eq[1]!.toLowerCase();
    if (kind === 'block' || kind === 'blk') return undefined;
    const p = kind === 'script' || kind === 'sc' ? `Script=${eq[2]}` : `General_Category=${eq[2]}`;
    return test(p) ? p : undefined;
  }
  if (/^In/.test(name)) return undefined; // a Unicode block: JavaScript has none
  const bare = name.replace(/^Is/, '');
  const binary = BINARY[bare.toLowerCase()];
  if (binary) return binary;
  if (test(`General_Category=${bare}`)) return `General_Category=${bare}`;
  if (test(`Script=${bare}`)) return `Script=${bare}`;
  return test(bare) ? bare : undefined;
}

/** One element of a translated class or pattern: a class atom (usable inside `[...]`) or a whole expression. */
type Piece = { atom: string; kind: 'char' | 'set' | 'body' } | { expr: string };

function propertyPiece(name: string, negated: boolean): Piece {
  const body = POSIX[name] ?? JAVA_CHARACTER[name];
  if (body !== undefined) return negated ? { expr: `[^${body}]` } : { atom: body, kind: 'body' };
  const prop = unicodeProperty(name);
  if (prop === undefined) throw new Untranslatable(`\\p{${name}} is not a property JavaScript knows (Unicode blocks like \\p{InGreek} have no JavaScript form)`);
  return { atom: `\\${negated ? 'P' : 'p'}{${prop}}`, kind: 'set' };
}

class Translator {
  private i = 0;
  private depth = 0;
  readonly approximations: string[] = [];
  private readonly src: string;
  constructor(src: string) {
    this.src = src;
  }

  private peek(offset = 0): string | undefined {
    return this.src[this.i + offset];
  }

  private codePointAt(): string {
    const cp = this.src.codePointAt(this.i)!;
    const ch = String.fromCodePoint(cp);
    this.i += ch.length;
    return ch;
  }

  translate(): string {
    let flags = '';
    // Leading embedded flags set the whole pattern's flags, as Pattern.compile(..., flags) does.
    const leading = /^\(\?([idmsuxU]*)(?:-([idmsuxU]*))?\)/.exec(this.src);
    if (leading) {
      flags = jsFlags(leading[1]!);
      if (leading[1]!.includes('x')) throw new Untranslatable('the comments flag (?x) is not supported');
      this.i = leading[0].length;
    }
    const body = this.sequence(false, true);
    if (this.i < this.src.length) throw new Untranslatable(`unmatched ")" at ${this.i}`);
    return flags ? `(?${flags}:${body})` : body;
  }

  /**
   * A run of alternatives up to the `)` that closes the current group (not consumed), or to the
   * end of the pattern where `endOk`.
   */
  private sequence(inGroup: boolean, endOk: boolean): string {
    let out = '';
    while (this.i < this.src.length) {
      const ch = this.peek()!;
      if (ch === ')') {
        if (!inGroup) throw new Untranslatable(`unmatched ")" at ${this.i}`);
        return out;
      }
      if (ch === '(') {
        out += this.group();
      } else if (ch === '[') {
        out += this.pieceExpr(this.charClass());
      } else if (ch === '\\') {
        out += this.pieceExpr(this.escape(false));
      } else if (ch === '*' || ch === '+' || ch === '?') {
        this.i++;
        out += ch + this.quantifierSuffix();
      } else if (ch === '{') {
        const m = /^\{(\d+)(,(\d*))?\}/.exec(this.src.slice(this.i));
        if (!m) throw new Untranslatable(`"{" at ${this.i} is not a repetition {n}, {n,} or {n,m}`);
        this.i += m[0].length;
        out += m[0] + this.quantifierSuffix();
      } else if (ch === '}' || ch === ']') {
        this.i++;
        out += `\\${ch}`;
      } else if (ch === '^' || ch === '$' || ch === '.' || ch === '|') {
        this.i++;
        out += ch;
      } else {
        const c = this.codePointAt();
        out += SYNTAX.has(c) ? `\\${c}` : c;
      }
    }
    if (!endOk) throw new Untranslatable('unclosed group "("');
    return out;
  }

  private quantifierSuffix(): string {
    if (this.peek() === '?') {
      this.i++;
      return '?';
    }
    if (this.peek() === '+') {
      this.i++;
      this.approximations.push('possessive quantifier read as greedy');
    }
    return '';
  }

  private group(): string {
    this.i++; // (
    let open = '(';
    const rest = this.src.slice(this.i);
    if (rest.startsWith('?')) {
      const simple = /^\?(?::|=|!|<=|<!|<[A-Za-z][A-Za-z0-9]*>)/.exec(rest);
      const flagged = /^\?([idmsuxU]*)(?:-([idmsuxU]*))?([:)])/.exec(rest);
      if (simple) {
        open += simple[0];
        this.i += simple[0].length;
      } else if (rest.startsWith('?>')) {
        open += '?:';
        this.i += 2;
        this.approximations.push('atomic group read as a plain group');
      } else if (flagged) {
        if ((flagged[1]! + (flagged[2] ?? '')).includes('x')) throw new Untranslatable('the comments flag (?x) is not supported');
        this.i += flagged[0].length;
        const on = jsFlags(flagged[1]!);
        const off = jsFlags(flagged[2] ?? '');
        const modifiers = on || off ? `?${on}${off ? `-${off}` : ''}:` : '?:';
        // `(?i)` in the middle applies up to the end of its group: a modifier group over that rest.
        if (flagged[3] === ':') {
          this.depth++;
          const inner = this.sequence(true, false);
          this.depth--;
          this.expect(')');
          return `(${modifiers}${inner})`;
        }
        // `(?i)` in the middle applies up to the end of its group, every later alternative
        // included: each alternative of that rest gets its own modifier group.
        const rest = this.sequence(this.depth > 0, this.depth === 0);
        return splitAlternatives(rest).map((alt) => `(${modifiers}${alt})`).join('|');
      } else {
        throw new Untranslatable(`unknown group construct "(${rest.slice(0, 3)}"`);
      }
    }
    this.depth++;
    const inner = this.sequence(true, false);
    this.depth--;
    this.expect(')');
    return `${open}${inner})`;
  }

  private expect(ch: string): void {
    if (this.peek() !== ch) throw new Untranslatable(`expected "${ch}" at ${this.i}`);
    this.i++;
  }

  private pieceExpr(piece: Piece): string {
    if ('expr' in piece) return piece.expr;
    return piece.kind === 'body' ? `[${piece.atom}]` : piece.atom;
  }

  /** After `\`: one escape, as a class atom where it is one. */
  private escape(inClass: boolean): Piece {
    this.i++; // backslash
    const c = this.peek();
    if (c === undefined) throw new Untranslatable('pattern ends with a lone "\\"');
    this.i++;
    switch (c) {
      case 'd': case 'D': case 's': case 'S': case 'w': case 'W':
        return { atom: `\\${c}`, kind: 'set' };
      case 't': case 'n': case 'r': case 'f':
        return { atom: `\\${c}`, kind: 'char' };
      case 'b': case 'B':
        if (inClass) throw new Untranslatable('\\b inside a character class');
        return { expr: `\\${c}` };
      case 'a': return { atom: '\\x07', kind: 'char' };
      case 'e': return { atom: '\\x1b', kind: 'char' };
      case 'h': return { atom: ' \\t\\xa0\\u1680\\u180e\\u2000-\\u200a\\u202f\\u205f\\u3000', kind: 'body' };
      case 'H': return { expr: '[^ \\t\\xa0\\u1680\\u180e\\u2000-\\u200a\\u202f\\u205f\\u3000]' };
      case 'v': return { atom: '\\n\\x0b\\f\\r\\x85\\u2028\\u2029', kind: 'body' };
      case 'V': return { expr: '[^\\n\\x0b\\f\\r\\x85\\u2028\\u2029]' };
      case 'R': return { expr: '(?:\\r\\n|[\\n\\x0b\\f\\r\\x85\\u2028\\u2029])' };
      case 'A': return { expr: '(?<![\\s\\S])' };
      case 'z': return { expr: '(?![\\s\\S])' };
      case 'Z': return { expr: '(?=(?:\\r\\n|[\\n\\r\\x85\\u2028\\u2029])?(?![\\s\\S]))' };
      case 'G': case 'X':
        throw new Untranslatable(`\\${c} has no JavaScript equivalent`);
      case 'Q': {
        const end = this.src.indexOf('\\E', this.i);
        const literal = this.src.slice(this.i, end < 0 ? undefined : end);
        this.i = end < 0 ? this.src.length : end + 2;
        const chars = [...literal].map((ch) => hex(ch.codePointAt(0)!));
        return inClass ? { atom: chars.join(''), kind: 'body' } : { expr: chars.length === 0 ? '(?:)' : `(?:${chars.join('')})` };
      }
      case 'p': case 'P': {
        let name: string;
        if (this.peek() === '{') {
          const end = this.src.indexOf('}', this.i);
          if (end < 0) throw new Untranslatable('unclosed \\p{');
          name = this.src.slice(this.i + 1, end);
          this.i = end + 1;
        } else {
          name = this.peek() ?? '';
          this.i++;
        }
        return propertyPiece(name, c === 'P');
      }
      case 'x': {
        if (this.peek() === '{') {
          const m = /^\{([0-9a-fA-F]+)\}/.exec(this.src.slice(this.i));
          if (!m) throw new Untranslatable('bad \\x{...} escape');
          this.i += m[0].length;
          return { atom: hex(parseInt(m[1]!, 16)), kind: 'char' };
        }
        const m = /^[0-9a-fA-F]{2}/.exec(this.src.slice(this.i));
        if (!m) throw new Untranslatable('bad \\x escape');
        this.i += 2;
        return { atom: `\\x${m[0]}`, kind: 'char' };
      }
      case 'u': {
        const m = /^[0-9a-fA-F]{4}/.exec(this.src.slice(this.i));
        if (!m) throw new Untranslatable('bad \\u escape');
        this.i += 4;
        return { atom: hex(parseInt(m[0], 16)), kind: 'char' };
      }
      case '0': {
        const m = /^[0-3]?[0-7]{1,2}|^[0-7]/.exec(this.src.slice(this.i));
        if (!m) throw new Untranslatable('\\0 must be followed by an octal number');
        this.i += m[0].length;
        return { atom: hex(parseInt(m[0], 8)), kind: 'char' };
      }
      case 'c': {
        const letter = this.peek();
        if (letter === undefined) throw new Untranslatable('bad \\c escape');
        this.i++;
        return { atom: hex(letter.charCodeAt(0) ^ 64), kind: 'char' };
      }
      case 'k': {
        const m = /^<[A-Za-z][A-Za-z0-9]*>/.exec(this.src.slice(this.i));
        if (!m || inClass) throw new Untranslatable('bad \\k<name> reference');
        this.i += m[0].length;
        return { expr: `\\k${m[0]}` };
      }
      default:
        if (/[1-9]/.test(c)) {
          if (inClass) throw new Untranslatable('a back reference inside a character class');
          return { expr: `\\${c}` };
        }
        if (/[A-Za-z]/.test(c)) throw new Untranslatable(`\\${c} is not an escape java.util.regex knows`);
        // Java lets any other character be escaped to stand for itself.
        this.i--;
        return { atom: literalAtom(this.codePointAt(), inClass), kind: 'char' };
    }
  }

  /** A Java class, with nested classes (union) and `&&` (intersection), as one JavaScript expression. */
  private charClass(): Piece {
    this.i++; // [
    let negated = false;
    if (this.peek() === '^') {
      negated = true;
      this.i++;
    }
    const operands: Piece[][] = [[]];
    let first = true;
    for (;;) {
      const ch = this.peek();
      if (ch === undefined) throw new Untranslatable('unclosed character class "["');
      if (ch === ']' && !first) {
        this.i++;
        break;
      }
      first = false;
      const current = operands[operands.length - 1]!;
      if (ch === '&' && this.peek(1) === '&') {
        this.i += 2;
        operands.push([]);
        continue;
      }
      if (ch === '[') {
        current.push(this.charClass());
        continue;
      }
      const start = this.classAtom();
      if ('atom' in start && start.kind === 'char' && this.peek() === '-' && this.peek(1) !== ']' && this.peek(1) !== '[' && this.peek(1) !== undefined) {
        this.i++;
        const end = this.classAtom();
        if (!('atom' in end) || end.kind !== 'char') throw new Untranslatable('a range must end in a single character');
        current.push({ atom: `${start.atom}-${end.atom}`, kind: 'body' });
        continue;
      }
      current.push(start);
    }
    const unionOf = (pieces: Piece[]): Piece => {
      const atoms = pieces.filter((p) => 'atom' in p).map((p) => p.atom);
      const exprs = pieces.filter((p) => 'expr' in p).map((p) => p.expr);
      if (exprs.length === 0) return { atom: atoms.join(''), kind: 'body' };
      const parts = [...(atoms.length > 0 ? [`[${atoms.join('')}]`] : []), ...exprs];
      return { expr: parts.length === 1 ? parts[0]! : `(?:${parts.join('|')})` };
    };
    const sets = operands.filter((o) => o.length > 0).map(unionOf);
    if (sets.length === 0) throw new Untranslatable('an empty character class');
    const exprOf = (p: Piece) => ('expr' in p ? p.expr : `[${p.atom}]`);
    if (sets.length === 1) {
      const only = sets[0]!;
      if ('atom' in only) return negated ? { expr: `[^${only.atom}]` } : only;
      return negated ? { expr: `(?:(?!${only.expr})[\\s\\S])` } : only;
    }
    // One character in every set: look ahead for all but the last, consume with the last.
    const inter = `(?:${sets.slice(0, -1).map((s) => `(?=${exprOf(s)})`).join('')}${exprOf(sets[sets.length - 1]!)})`;
    return { expr: negated ? `(?:(?!${inter})[\\s\\S])` : inter };
  }

  private classAtom(): Piece {
    const ch = this.peek()!;
    if (ch === '\\') return this.escape(true);
    return { atom: literalAtom(this.codePointAt(), true), kind: 'char' };
  }
}

function literalAtom(ch: string, inClass: boolean): string {
  if (inClass) return ch === '\\' || ch === ']' || ch === '[' || ch === '^' || ch === '-' ? `\\${ch}` : ch;
  return SYNTAX.has(ch) ? `\\${ch}` : ch;
}

/** Java inline flags JavaScript modifiers can carry (i, m, s); u, d and U change nothing here. */
function jsFlags(java: string): string {
  return [...new Set(java.split('').filter((f) => f === 'i' || f === 'm' || f === 's'))].join('');
}

/** The top-level alternatives of a translated pattern (a `|` outside groups and classes). */
function splitAlternatives(source: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let inClass = false;
  let current = '';
  for (let i = 0; i < source.length; i++) {
    const ch = source[i]!;
    if (ch === '\\') {
      current += ch + (source[i + 1] ?? '');
      i++;
      continue;
    }
    if (inClass) inClass = ch !== ']';
    else if (ch === '[') inClass = true;
    else if (ch === '(') depth++;
    else if (ch === ')') depth--;
    else if (ch === '|' && depth === 0) {
      out.push(current);
      current = '';
      continue;
    }
    current += ch;
  }
  out.push(current);
  return out;
}

/** Escapes JavaScript without `u` gives a meaning to; any other `\x` there is the character x. */
const LOOSE_ESCAPES = /^(?:[dDsSwWbBtnrfv0-9]|c[A-Za-z]|x[0-9a-fA-F]{2}|u[0-9a-fA-F]{4}|k<)/;

/**
 * A pattern only JavaScript without `u` reads (Annex B: `\_`, `\y`, a lone `{` or `]`) in strict
 * form: each character the loose reading takes literally is written as a code-point escape.
 */
function looseToStrict(pattern: string): string {
  let out = '';
  let inClass = false;
  for (let i = 0; i < pattern.length; i++) {
    const ch = pattern[i]!;
    if (ch === '\\') {
      const rest = pattern.slice(i + 1);
      const next = String.fromCodePoint(rest.codePointAt(0) ?? 0x5c);
      if (LOOSE_ESCAPES.test(rest) || SYNTAX.has(next) || (inClass && next === '-')) out += `\\${next}`;
      else out += hex(next.codePointAt(0)!);
      i += next.length;
      continue;
    }
    if (inClass) {
      if (ch === ']') inClass = false;
      out += ch;
      continue;
    }
    const quantifier = ch === '{' && /^\{\d+(,\d*)?\}/.test(pattern.slice(i));
    if (ch === '{' && quantifier) {
      const m = /^\{\d+(,\d*)?\}/.exec(pattern.slice(i))!;
      out += m[0];
      i += m[0].length - 1;
      continue;
    }
    if (ch === '{' || ch === '}' || ch === ']') out += `\\${ch}`;
    else {
      if (ch === '[') inClass = true;
      out += ch;
    }
  }
  return out;
}

function compiles(source: string): boolean {
  try {
    new RegExp(source, 'u');
    return true;
  } catch {
    return false;
  }
}

/**
 * A config.json pattern as the validator should compile it (with `u`), or why none works:
 * 1. As written, when strict JavaScript reads it and it has no Java class intersection (`&&`) or
 *    property (`\p{Alpha}` is ASCII letters in Java, every alphabetic character in JavaScript):
 *    most patterns, unchanged, as Cosmos's JavaScript engine read them.
 * 2. Read as Java (java.util.regex) and translated, for the Java forms above.
 * 3. As JavaScript without `u` read it (Cosmos's own engine: `\y` is `y`, a lone `{` a brace).
 */
export function javaPatternToEcma(pattern: string): EcmaPattern | Error {
  if (!/&&|\\[pP]/.test(pattern) && compiles(pattern)) return { source: pattern, approximations: [] };
  let reason: string;
  try {
    const translator = new Translator(pattern);
    const source = translator.translate();
    if (compiles(source)) return { source, approximations: [...new Set(translator.approximations)] };
    reason = `its translation ${JSON.stringify(source)} does not compile`;
  } catch (error) {
    reason = (error as Error).message;
  }
  try {
    new RegExp(pattern);
  } catch {
    return new Error(`neither Java nor JavaScript reads it as a regular expression (${reason})`);
  }
  const loose = looseToStrict(pattern);
  return compiles(loose) ? { source: loose, approximations: [] } : new Error(`neither Java nor JavaScript reads it as a regular expression (${reason})`);
}
