import { createHash } from 'node:crypto';

/**
 * Serialises a value as `JSON.stringify` would (honouring `toJSON`, leaving out undefined and
 * function members, writing them as null inside arrays) but with object keys sorted and no
 * insignificant white space (the scheme of RFC 8785), so the same value always yields the same
 * bytes and therefore the same hash, whatever order its keys were written or stored in (jsonb
 * reorders them). Values JSON cannot carry faithfully (non-finite numbers, bigints) are refused.
 */
export function canonicalJson(value: unknown): string {
  const text = write(value, false);
  if (text === undefined) throw new TypeError(`A ${typeof value} has no JSON form`);
  return text;
}

function write(input: unknown, inArray: boolean): string | undefined {
  const value =
    input !== null &&
    typeof input === 'object' &&
    typeof (input as { toJSON?: unknown }).toJSON === 'function'
      ? (input as { toJSON(): unknown }).toJSON()
      : input;
  switch (typeof value) {
    case 'string':
      return JSON.stringify(value);
    case 'boolean':
      return value ? 'true' : 'false';
    case 'number':
      if (!Number.isFinite(value)) throw new TypeError('Non-finite numbers have no JSON form');
      return JSON.stringify(value);
    case 'object':
      if (value === null) return 'null';
      if (Array.isArray(value)) return `[${value.map((item) => write(item, true)).join(',')}]`;
      return writeObject(value as Record<string, unknown>);
    case 'bigint':
      throw new TypeError('A bigint has no JSON form');
    default:
      return inArray ? 'null' : undefined;
  }
}

function writeObject(value: Record<string, unknown>): string {
  const members: string[] = [];
  for (const key of Object.keys(value).sort()) {
    const text = write(value[key], false);
    if (text !== undefined) members.push(`${JSON.stringify(key)}:${text}`);
  }
  return `{${members.join(',')}}`;
}

export function sha256Hex(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}
