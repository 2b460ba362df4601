import { InvalidAppendError } from './errors.js';
import { streamId, streamTypeOf } from './stream-id.js';

describe('stream ids', () => {
  it.each([
    ['threat:0197c1f0-0000-7000-8000-000000000001', 'threat'],
    ['organisation:cleveland-police', 'organisation'],
    ['safeguarding-referral:R.2022_001', 'safeguarding-referral'],
  ])('reads the stream type of %s', (id, type) => {
    expect(streamTypeOf(id)).toBe(type);
  });

  it.each([
    '',
    'threat',
    'threat:',
    ':abc',
    'Threat:abc',
    'threat:a b',
    'threat:-abc',
    `threat:${'x'.repeat(129)}`,
    'a:b:c',
  ])('refuses %j', (id) => {
    expect(() => streamTypeOf(id)).toThrow(InvalidAppendError);
  });

  it('builds ids from a type and an id', () => {
    expect(streamId('threat', 'abc')).toBe('threat:abc');
    expect(() => streamId('threat', 'not valid')).toThrow(InvalidAppendError);
  });
});
