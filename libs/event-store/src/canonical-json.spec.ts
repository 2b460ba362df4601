import fc from 'fast-check';
import { canonicalJson, sha256Hex } from './canonical-json.js';

describe('canonicalJson', () => {
  it('sorts keys at every depth and drops undefined members', () => {
    expect(canonicalJson({ b: 1, a: { d: [3, { z: true, y: null }], c: 'x' }, u: undefined })).toBe(
      '{"a":{"c":"x","d":[3,{"y":null,"z":true}]},"b":1}',
    );
  });

  it('gives the same text whatever order the keys were written in', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        const reordered = JSON.parse(JSON.stringify(value, (_k, v) => reverseKeys(v)));
        expect(canonicalJson(reordered)).toBe(canonicalJson(value));
        expect(JSON.parse(canonicalJson(value))).toEqual(JSON.parse(JSON.stringify(value)));
      }),
    );
  });

  it('follows JSON.stringify for what JSON leaves out', () => {
    const when = new Date('2026-01-02T03:04:05.678Z');
    const value = { when, gone: undefined, f: () => 1, list: [undefined, () => 1, 1] };
    expect(canonicalJson(value)).toBe('{"list":[null,null,1],"when":"2026-01-02T03:04:05.678Z"}');
    fc.assert(
      fc.property(fc.anything({ withDate: true, withNullPrototype: false }), (anything) => {
        fc.pre(!containsNonJsonNumber(anything));
        const stringified = JSON.stringify({ anything });
        expect(JSON.parse(canonicalJson({ anything }))).toEqual(JSON.parse(stringified));
      }),
    );
  });

  it('refuses values JSON cannot carry faithfully', () => {
    expect(() => canonicalJson(Number.NaN)).toThrow(TypeError);
    expect(() => canonicalJson({ n: Infinity })).toThrow(TypeError);
    expect(() => canonicalJson({ n: 1n })).toThrow(TypeError);
    expect(() => canonicalJson(undefined)).toThrow(TypeError);
  });

  it('hashes with SHA-256 in hex', () => {
    expect(sha256Hex('abc')).toBe(
      'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad',
    );
  });
});

function containsNonJsonNumber(value: unknown): boolean {
  if (typeof value === 'bigint') return true;
  if (typeof value === 'number') return !Number.isFinite(value);
  if (value === null || typeof value !== 'object' || value instanceof Date) return false;
  return Object.values(value).some(containsNonJsonNumber);
}

function reverseKeys(value: unknown): unknown {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return value;
  return Object.fromEntries(Object.entries(value).reverse());
}
