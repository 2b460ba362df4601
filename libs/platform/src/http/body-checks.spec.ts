import { IsString } from 'class-validator';
import type { Request, Response } from 'express';
import type { IncomingMessage } from 'node:http';
import {
  BodyNotUnicodeError,
  BodyTooDeepError,
  BodyTooWideError,
  bodyChecks,
  checkBody,
  MAX_BODY_DEPTH,
  MAX_BODY_WIDTH,
  nestingDepth,
  noteInvalidUtf8,
} from './body-checks.js';
import { canonicalJson } from './idempotency/request-hash.js';
import { toProblem, ValidationProblem } from './problem-details.filter.js';
import { validationPipe } from './validation.js';

/** `{"a":{"a":...}}` or `[[...]]`, `levels` containers deep, built without recursion. */
function nestedObjects(levels: number): unknown {
  let value: unknown = {};
  for (let i = 1; i < levels; i += 1) value = { a: value };
  return value;
}
function nestedArrays(levels: number): unknown {
  let value: unknown = [];
  for (let i = 1; i < levels; i += 1) value = [value];
  return value;
}

class Note {
  @IsString()
  text!: string;
}

const bodyOf = (value: unknown) =>
  validationPipe().transform(value, { type: 'body', metatype: Note, data: undefined });

describe('nesting depth of a parsed body', () => {
  it.each([
    [null, 0],
    ['text', 0],
    [42, 0],
    [{}, 1],
    [[], 1],
    [{ a: 1, b: 'x' }, 1],
    [{ a: [] }, 2],
    [[1, [2, [3]], { b: { c: {} } }], 4],
  ])('%j nests %i deep', (value, depth) => {
    expect(nestingDepth(value)).toBe(depth);
  });

  it.each([
    ['objects', nestedObjects],
    ['arrays', nestedArrays],
  ])('measures 100,000 levels of %s without running out of stack', (_kind, build) => {
    expect(nestingDepth(build(100_000))).toBe(100_000);
  });

  it('stops as soon as the depth passes the limit', () => {
    expect(nestingDepth(nestedArrays(100_000), MAX_BODY_DEPTH)).toBe(MAX_BODY_DEPTH + 1);
  });

  it('takes wide bodies in its stride: 100,000 keys, 100,000 array items', () => {
    const wide = Object.fromEntries(Array.from({ length: 100_000 }, (_, i) => [`k${i}`, { i }]));
    expect(nestingDepth(wide)).toBe(2);
    expect(nestingDepth(Array.from({ length: 100_000 }, () => [1]))).toBe(2);
  });

  it(`accepts ${MAX_BODY_DEPTH} levels and refuses ${MAX_BODY_DEPTH + 1}`, () => {
    expect(() => checkBody(nestedObjects(MAX_BODY_DEPTH))).not.toThrow();
    expect(() => checkBody(nestedObjects(MAX_BODY_DEPTH + 1))).toThrow(BodyTooDeepError);
    expect(() => checkBody(nestedArrays(MAX_BODY_DEPTH + 1))).toThrow(BodyTooDeepError);
  });

  it(`accepts objects and arrays of ${MAX_BODY_WIDTH} members, at any depth, and refuses more`, () => {
    const object = (members: number) =>
      Object.fromEntries(Array.from({ length: members }, (_, i) => [`k${i}`, i]));
    const array = (members: number) => Array.from({ length: members }, (_, i) => i);
    expect(() => checkBody({ a: [object(MAX_BODY_WIDTH), array(MAX_BODY_WIDTH)] })).not.toThrow();
    expect(() => checkBody(object(MAX_BODY_WIDTH + 1))).toThrow(BodyTooWideError);
    expect(() => checkBody({ a: [{ b: array(MAX_BODY_WIDTH + 1) }] })).toThrow(BodyTooWideError);
    expect(() => checkBody(object(100_000))).toThrow(BodyTooWideError);
  });

  it('answers with a 400 problem document naming the limit', () => {
    expect(toProblem(new BodyTooDeepError(), '/threats')).toEqual({
      type: '/problems/body-too-deep',
      title: 'Bad request',
      status: 400,
      detail: expect.stringContaining('the limit is 32 levels'),
      instance: '/threats',
      maxDepth: 32,
    });
  });

  describe('the middleware', () => {
    const run = (body: unknown, bytes?: Buffer, charset: string | null = 'utf-8') => {
      const request = { body } as Request;
      if (bytes) noteInvalidUtf8(request as IncomingMessage, undefined, bytes, charset);
      const passed: unknown[] = [];
      bodyChecks()(request, {} as Response, (error?: unknown) => passed.push(error));
      return passed;
    };

    it('lets a body within the limit through, and requests without a body', () => {
      expect(run(nestedObjects(MAX_BODY_DEPTH))).toEqual([undefined]);
      expect(run(undefined)).toEqual([undefined]);
    });

    it('hands a too-deep body to the error handler', () => {
      const [error] = run(nestedArrays(100_000));
      expect(error).toBeInstanceOf(BodyTooDeepError);
    });

    it('refuses bytes that are not UTF-8, which the parser would have replaced with U+FFFD', () => {
      const latin1 = Buffer.from('{"name":"Grün"}', 'latin1');
      const [error] = run({ name: 'Gr\ufffdn' }, latin1);
      expect(error).toBeInstanceOf(BodyNotUnicodeError);
      expect(toProblem(error)).toMatchObject({
        status: 400,
        detail: expect.stringMatching(/UTF-8/),
      });
      expect(run({ name: 'Grün' }, Buffer.from('{"name":"Grün"}', 'utf8'))).toEqual([undefined]);
      expect(run({ name: 'Grün' }, Buffer.from('{"name":"Grün"}', 'utf16le'), 'utf-16le')).toEqual([
        undefined,
      ]);
    });
  });
});

describe('text of a parsed body', () => {
  it.each([
    ['a value', { name: 'a\ud800b' }],
    ['a key', { ['\udc00']: 1 }],
    ['a reversed pair', ['\udc00\ud800']],
    ['a string body', '\ud83d'],
  ])('refuses an unpaired surrogate in %s', (_where, value) => {
    expect(() => checkBody(value)).toThrow(BodyNotUnicodeError);
  });

  it('accepts any Unicode, paired surrogates, NUL and control characters included', () => {
    expect(() =>
      checkBody({ name: 'Überprüfung 🙂 ŵyr 審查', note: 'line\nbreak\u0000', ['😀']: [] }),
    ).not.toThrow();
  });
});

describe('walks over a body are bounded even without the middleware', () => {
  it('the validation pipe refuses a deep body as too deep, not with a stack overflow', async () => {
    await expect(bodyOf({ text: 'x', junk: nestedObjects(100_000) })).rejects.toBeInstanceOf(
      BodyTooDeepError,
    );
    await expect(bodyOf(nestedArrays(100_000))).rejects.toBeInstanceOf(BodyTooDeepError);
  });

  it('the validation pipe refuses 100,000 keys as too wide before class-transformer sees them', async () => {
    const wide = Object.fromEntries(Array.from({ length: 100_000 }, (_, i) => [`k${i}`, i]));
    await expect(bodyOf({ text: 'x', ...wide })).rejects.toBeInstanceOf(BodyTooWideError);
    await expect(bodyOf({ text: 'x', junk: [wide] })).rejects.toBeInstanceOf(BodyTooWideError);
  });

  it('the validation pipe still names prototype keys at any allowed depth, in document order', async () => {
    const error: unknown = await bodyOf({
      text: 'x',
      a: [{ b: { constructor: 1 } }],
      toString: 2,
    }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ValidationProblem);
    expect((error as ValidationProblem).errors).toEqual([
      { field: 'a.0.b.constructor', message: 'property constructor should not exist' },
      { field: 'toString', message: 'property toString should not exist' },
    ]);
  });

  it('the idempotency request hash refuses a deep body as too deep', () => {
    expect(() => canonicalJson(nestedObjects(100_000))).toThrow(BodyTooDeepError);
    expect(canonicalJson(nestedArrays(MAX_BODY_DEPTH))).toBe(
      `${'['.repeat(MAX_BODY_DEPTH)}${']'.repeat(MAX_BODY_DEPTH)}`,
    );
  });
});
