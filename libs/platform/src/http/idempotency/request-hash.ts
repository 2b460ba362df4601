import { createHash } from 'node:crypto';
import { BodyTooDeepError, MAX_BODY_DEPTH } from '../body-checks.js';

/**
 * JSON with object keys sorted and no white space: equal bodies give equal text. Bodies nested
 * deeper than the body limit are refused (BodyTooDeepError) rather than recursed into.
 */
export function canonicalJson(value: unknown): string {
  return write(value, 0);
}

function write(value: unknown, depth: number): string {
  if (value !== null && typeof value === 'object' && depth >= MAX_BODY_DEPTH) {
    throw new BodyTooDeepError();
  }
  if (Array.isArray(value)) {
    return `[${value.map((item) => write(item ?? null, depth + 1)).join(',')}]`;
  }
  if (value !== null && typeof value === 'object') {
    const record = value as Record<string, unknown>;
    const members = Object.keys(record)
      .filter((key) => record[key] !== undefined)
      .sort()
      .map((key) => `${JSON.stringify(key)}:${write(record[key], depth + 1)}`);
    return `{${members.join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

/** What makes two commands "the same request": method, path with query, and body. */
export function requestHash(method: string, path: string, body: unknown): string {
  return createHash('sha256')
    .update(`${method.toUpperCase()}\n${path}\n${canonicalJson(body)}`)
    .digest('hex');
}
