/**
 * A strict JSON reader that remembers where every value sits in the text, so a schema error found
 * later (a zod path such as `steps.3.as`) can be reported on the line a person has to edit.
 * `JSON.parse` gives the value but no positions, and its syntax messages differ between Node
 * versions, so the simulator reads scenario files with this instead.
 */

/** A place in the text: 1-based line and column. */
export interface SourcePosition {
  readonly line: number;
  readonly column: number;
}

/** One segment of a path into a JSON value: an object key or an array index. */
export type JsonPathSegment = string | number;

/** Where a path was found: the deepest part of it that exists in the text, and its position. */
export interface LocatedPath extends SourcePosition {
  /** The longest prefix of the asked path present in the text (all of it when the field exists). */
  readonly found: readonly JsonPathSegment[];
}

/** A JSON document read with positions. */
export interface JsonSource {
  /** The parsed value, as `JSON.parse` would give it. */
  readonly value: unknown;
  /**
   * Where a path sits: an object member's key, or an array entry's first character. A path that
   * does not exist (a missing field) resolves to its deepest existing ancestor, because that is
   * where the missing field has to be written.
   */
  locate(path: readonly JsonPathSegment[]): LocatedPath;
}

/** A syntax error in a JSON text, with where it is and what to fix. */
export class JsonSyntaxError extends Error {
  /** Where the problem is. */
  readonly position: SourcePosition;

  constructor(message: string, position: SourcePosition) {
    super(message);
    this.name = 'JsonSyntaxError';
    this.position = position;
  }
}

/**
 * Reads a JSON text (RFC 8259, with a leading byte-order mark allowed) and records the position of
 * every value. Duplicate keys are an error rather than "the last one wins": in a hand-written file a
 * repeated key is almost always a mistake that would silently drop a step's field.
 *
 * @throws JsonSyntaxError naming the line and column and what was expected there
 *
 * @example
 * ```ts
 * const source = readJsonSource('{\n  "steps": [\n    { "as": "nobody" }\n  ]\n}');
 * source.locate(['steps', 0, 'as']); // => { line: 3, column: 7, found: ['steps', 0, 'as'] }
 * ```
 */
export function readJsonSource(text: string): JsonSource {
  const positions = new Map<string, SourcePosition>();
  const reader = new Reader(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text, positions);
  const value = reader.document();
  return {
    value,
    locate(path) {
      for (let length = path.length; length >= 0; length -= 1) {
        const found = path.slice(0, length);
        const position = positions.get(pathKey(found));
        if (position) return { ...position, found };
      }
      // The root is always recorded, so this is unreachable; keep a sane answer regardless.
      return { line: 1, column: 1, found: [] };
    },
  };
}

/** Formats a path as a reader writes it: `steps[3].payload.form.voiceOfChild`. */
export function formatJsonPath(path: readonly JsonPathSegment[]): string {
  let out = '';
  for (const segment of path) {
    if (typeof segment === 'number') out += `[${segment}]`;
    else out += out === '' ? segment : `.${segment}`;
  }
  return out === '' ? '(root)' : out;
}

function pathKey(path: readonly JsonPathSegment[]): string {
  return JSON.stringify(path);
}

class Reader {
  private index = 0;
  private line = 1;
  private lineStart = 0;

  constructor(
    private readonly text: string,
    private readonly positions: Map<string, SourcePosition>,
  ) {}

  document(): unknown {
    this.skipSpace();
    if (this.index >= this.text.length) throw this.fail('the file is empty; expected a JSON object');
    const value = this.value([]);
    this.skipSpace();
    if (this.index < this.text.length) throw this.fail(`unexpected ${this.describeHere()} after the end of the JSON value`);
    return value;
  }

  private value(path: JsonPathSegment[]): unknown {
    this.skipSpace();
    if (!this.positions.has(pathKey(path))) this.positions.set(pathKey(path), this.here());
    const char = this.text[this.index];
    switch (char) {
      case '{':
        return this.object(path);
      case '[':
        return this.array(path);
      case '"':
        return this.string();
      case 't':
        return this.literal('true', true);
      case 'f':
        return this.literal('false', false);
      case 'n':
        return this.literal('null', null);
      default:
        if (char === '-' || (char !== undefined && char >= '0' && char <= '9')) return this.number();
        throw this.fail(`expected a value (text in double quotes, a number, true, false, null, { or [), found ${this.describeHere()}`);
    }
  }

  private object(path: JsonPathSegment[]): Record<string, unknown> {
    // A null-prototype object, so a "__proto__" key is an ordinary field, as with JSON.parse.
    const result: Record<string, unknown> = Object.create(null) as Record<string, unknown>;
    this.index += 1;
    this.skipSpace();
    if (this.peek() === '}') {
      this.index += 1;
      return { ...result };
    }
    for (;;) {
      this.skipSpace();
      if (this.peek() !== '"') {
        throw this.fail(
          this.peek() === '}'
            ? 'trailing comma before }: remove the last comma'
            : `expected a field name in double quotes, found ${this.describeHere()}`,
        );
      }
      const keyPosition = this.here();
      const key = this.string();
      if (Object.prototype.hasOwnProperty.call(result, key)) {
        throw new JsonSyntaxError(`field "${printableKey(key)}" appears twice in the same object; keep one`, keyPosition);
      }
      this.skipSpace();
      if (this.peek() !== ':') throw this.fail(`expected : after the field name, found ${this.describeHere()}`);
      this.index += 1;
      const childPath = [...path, key];
      this.positions.set(pathKey(childPath), keyPosition);
      result[key] = this.value(childPath);
      this.skipSpace();
      const next = this.peek();
      if (next === ',') {
        this.index += 1;
        continue;
      }
      if (next === '}') {
        this.index += 1;
        // Back to an ordinary object for callers (zod, spreading); the keys were checked above.
        return { ...result };
      }
      throw this.fail(`expected , or } after a field's value, found ${this.describeHere()}`);
    }
  }

  private array(path: JsonPathSegment[]): unknown[] {
    const result: unknown[] = [];
    this.index += 1;
    this.skipSpace();
    if (this.peek() === ']') {
      this.index += 1;
      return result;
    }
    for (;;) {
      this.skipSpace();
      if (this.peek() === ']') throw this.fail('trailing comma before ]: remove the last comma');
      result.push(this.value([...path, result.length]));
      this.skipSpace();
      const next = this.peek();
      if (next === ',') {
        this.index += 1;
        continue;
      }
      if (next === ']') {
        this.index += 1;
        return result;
      }
      throw this.fail(`expected , or ] after a list entry, found ${this.describeHere()}`);
    }
  }

  private string(): string {
    const start = this.here();
    this.index += 1;
    let out = '';
    for (;;) {
      const char = this.text[this.index];
      if (char === undefined) throw new JsonSyntaxError('text in double quotes is not closed: add the closing "', start);
      if (char === '"') {
        this.index += 1;
        return out;
      }
      if (char === '\n' || char === '\r') throw this.fail('a line break inside text in double quotes: close the quotes or write \\n');
      if (char.charCodeAt(0) < 0x20) throw this.fail('a control character inside text in double quotes: escape it');
      if (char !== '\\') {
        out += char;
        this.index += 1;
        continue;
      }
      const escape = this.text[this.index + 1];
      const simple: Record<string, string> = { '"': '"', '\\': '\\', '/': '/', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t' };
      if (escape !== undefined && simple[escape] !== undefined) {
        out += simple[escape];
        this.index += 2;
      } else if (escape === 'u' && /^[0-9a-fA-F]{4}$/.test(this.text.slice(this.index + 2, this.index + 6))) {
        out += String.fromCharCode(Number.parseInt(this.text.slice(this.index + 2, this.index + 6), 16));
        this.index += 6;
      } else {
        throw this.fail('an invalid escape inside text in double quotes (\\" \\\\ \\/ \\b \\f \\n \\r \\t or \\uXXXX)');
      }
    }
  }

  private number(): number {
    const match = /^-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/.exec(this.text.slice(this.index));
    if (!match) throw this.fail(`expected a number, found ${this.describeHere()}`);
    this.index += match[0].length;
    return Number(match[0]);
  }

  private literal<T>(word: string, value: T): T {
    if (this.text.startsWith(word, this.index)) {
      this.index += word.length;
      return value;
    }
    throw this.fail(`expected a value (text in double quotes, a number, true, false, null, { or [), found ${this.describeHere()}`);
  }

  private skipSpace(): void {
    for (;;) {
      const char = this.text[this.index];
      if (char === '\n') {
        this.index += 1;
        this.line += 1;
        this.lineStart = this.index;
      } else if (char === ' ' || char === '\t' || char === '\r') {
        this.index += 1;
      } else if (char === '/' && (this.text[this.index + 1] === '/' || this.text[this.index + 1] === '*')) {
        throw this.fail('comments are not allowed in JSON: remove it');
      } else {
        return;
      }
    }
  }

  private peek(): string | undefined {
    return this.text[this.index];
  }

  private here(): SourcePosition {
    return { line: this.line, column: this.index - this.lineStart + 1 };
  }

  /**
   * What is at the current position, in a few words. A single character is shown; a word is not
   * quoted in full, because an unquoted word in a scenario could be anything the author typed.
   */
  private describeHere(): string {
    const char = this.text[this.index];
    if (char === undefined) return 'the end of the file';
    if (char === '\n' || char === '\r') return 'the end of the line';
    if (/[A-Za-z_]/.test(char)) return 'a word that is not in double quotes';
    return `'${char}'`;
  }

  private fail(message: string): JsonSyntaxError {
    return new JsonSyntaxError(message, this.here());
  }
}

/** A key named in an error: shown when it looks like a field name, withheld otherwise (it could be data). */
function printableKey(key: string): string {
  return /^[A-Za-z_$][\w$-]{0,63}$/.test(key) ? key : '(a field)';
}
