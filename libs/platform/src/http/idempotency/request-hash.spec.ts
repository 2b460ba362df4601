import { canonicalJson, requestHash } from './request-hash.js';

describe('request hash', () => {
  it('writes objects with sorted keys at every depth, arrays in order', () => {
    expect(canonicalJson({ b: 1, a: { d: [3, { f: 1, e: 2 }], c: null } })).toBe(
      '{"a":{"c":null,"d":[3,{"e":2,"f":1}]},"b":1}',
    );
  });

  it('does not depend on the order the client wrote the keys in', () => {
    expect(requestHash('POST', '/notes', { text: 'x', tags: ['a'] })).toBe(
      requestHash('post', '/notes', { tags: ['a'], text: 'x' }),
    );
  });

  it.each([
    ['method', requestHash('PUT', '/notes?x=1', { text: 'x' })],
    ['path', requestHash('POST', '/notes/2?x=1', { text: 'x' })],
    ['query', requestHash('POST', '/notes?x=2', { text: 'x' })],
    ['body', requestHash('POST', '/notes?x=1', { text: 'y' })],
    ['no body', requestHash('POST', '/notes?x=1', undefined)],
  ])('changes with the %s', (_what, other) => {
    expect(other).not.toBe(requestHash('POST', '/notes?x=1', { text: 'x' }));
  });
});
