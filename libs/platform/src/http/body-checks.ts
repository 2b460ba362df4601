import { isUtf8 } from 'node:buffer';
import type { IncomingMessage } from 'node:http';
import type { NextFunction, Request, Response } from 'express';
import { HttpProblem } from './problem-details.filter.js';

/** How deeply objects and arrays may nest in a request body: no command needs more. */
export const MAX_BODY_DEPTH = 32;

/**
 * How many members an object or an array of a request body may hold: no command needs more, and
 * validating one object of n unknown members costs O(n²) in class-transformer.
 */
export const MAX_BODY_WIDTH = 1000;

/** A body nested deeper than the limit: refused before anything recursive walks it. */
export class BodyTooDeepError extends HttpProblem {
  constructor(readonly maxDepth: number = MAX_BODY_DEPTH) {
    super(
      400,
      'body-too-deep',
      `The body nests objects and arrays more than ${maxDepth} levels deep; the limit is ${maxDepth} levels`,
    );
  }
}

/** A body with an object or array wider than the limit. */
export class BodyTooWideError extends HttpProblem {
  constructor(readonly maxMembers: number = MAX_BODY_WIDTH) {
    super(
      400,
      'body-too-wide',
      `An object or array in the body holds more than ${maxMembers} members; the limit is ${maxMembers}`,
    );
  }
}

/** A body whose text is not Unicode: bytes that are not UTF-8, or an unpaired surrogate escape. */
export class BodyNotUnicodeError extends HttpProblem {
  constructor(detail: string) {
    super(400, 'body-not-unicode', detail);
  }
}

const NOT_UTF8 =
  'The body is not valid UTF-8; JSON must be sent as UTF-8 text (RFC 8259), with no stray bytes';
const UNPAIRED_SURROGATE =
  'The body holds a string with an unpaired UTF-16 surrogate (\\ud800 to \\udfff not in a pair), which is not Unicode text';

const LONE_SURROGATE = /\p{Cs}/u;
const notUtf8 = new WeakSet<IncomingMessage>();

/**
 * The body parser's `verify` hook: notes bodies declared (or defaulted) as UTF-8 whose bytes are
 * not, which the parser would otherwise decode with U+FFFD in place of the bad bytes.
 */
export function noteInvalidUtf8(
  request: IncomingMessage,
  _response: unknown,
  body: Buffer,
  encoding: string | null,
): void {
  const utf8 = encoding === null || /^utf-?8$/i.test(encoding);
  if (utf8 && !isUtf8(body)) notUtf8.add(request);
}

/**
 * How many objects and arrays lie within each other at the deepest point of a parsed JSON value
 * (a scalar 0, `{}` 1, `{"a":[]}` 2). Walks with a stack of its own, so any depth is safe to
 * measure; stops as soon as the depth passes `stopAfter`.
 */
export function nestingDepth(value: unknown, stopAfter = Number.POSITIVE_INFINITY): number {
  let deepest = 0;
  walk(value, {
    container(depth) {
      deepest = Math.max(deepest, depth);
      return deepest <= stopAfter;
    },
  });
  return deepest;
}

export interface BodyLimits {
  readonly maxDepth: number;
  readonly maxWidth: number;
}

const DEFAULT_LIMITS: BodyLimits = { maxDepth: MAX_BODY_DEPTH, maxWidth: MAX_BODY_WIDTH };

/**
 * Throws BodyTooDeepError or BodyTooWideError when a parsed body nests deeper, or holds an
 * object or array wider, than the limits, and BodyNotUnicodeError when one of its keys or strings
 * holds an unpaired surrogate.
 */
export function checkBody(value: unknown, limits: BodyLimits = DEFAULT_LIMITS): void {
  walk(value, {
    container(depth, members) {
      if (depth > limits.maxDepth) throw new BodyTooDeepError(limits.maxDepth);
      if (members > limits.maxWidth) throw new BodyTooWideError(limits.maxWidth);
      return true;
    },
    text(string) {
      if (LONE_SURROGATE.test(string)) throw new BodyNotUnicodeError(UNPAIRED_SURROGATE);
      return true;
    },
  });
}

interface Visitor {
  /** Each object and array, with its depth (the outermost 1) and its number of members. */
  container(depth: number, members: number): boolean;
  /** Each key and string. */
  text?(text: string): boolean;
}

/** Visits a JSON value with a stack of its own; stops when the visitor answers false. */
function walk(value: unknown, visitor: Visitor): void {
  if (typeof value === 'string') {
    visitor.text?.(value);
    return;
  }
  if (typeof value !== 'object' || value === null) return;
  const nodes: object[] = [value];
  const depths: number[] = [1];
  while (nodes.length > 0) {
    const node = nodes.pop()!;
    const depth = depths.pop()!;
    const isArray = Array.isArray(node);
    const keys = isArray ? null : Object.keys(node);
    const members = keys ? keys.length : (node as unknown[]).length;
    if (!visitor.container(depth, members)) return;
    for (let i = 0; i < members; i += 1) {
      const key = keys ? keys[i] : i;
      if (keys && visitor.text && !visitor.text(keys[i])) return;
      const child = (node as Record<string | number, unknown>)[key];
      if (typeof child === 'string') {
        if (visitor.text && !visitor.text(child)) return;
      } else if (typeof child === 'object' && child !== null) {
        nodes.push(child);
        depths.push(depth + 1);
      }
    }
  }
}

/**
 * Express middleware, installed right after the body parsers, before anything else reads the
 * body: too deep, too wide, or not Unicode, answers 400.
 */
export function bodyChecks(limits: BodyLimits = DEFAULT_LIMITS) {
  return (request: Request, _response: Response, next: NextFunction): void => {
    try {
      if (notUtf8.has(request)) throw new BodyNotUnicodeError(NOT_UTF8);
      checkBody(request.body, limits);
      next();
    } catch (error) {
      next(error);
    }
  };
}
