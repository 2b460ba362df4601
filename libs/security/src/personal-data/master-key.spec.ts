import { randomBytes } from 'node:crypto';
import { InvalidMasterKeyError } from './errors.js';
import { parseMasterKey } from './master-key.js';

describe('parseMasterKey', () => {
  it('reads 32 bytes of base64, ignoring surrounding white space', () => {
    const key = randomBytes(32);
    expect(parseMasterKey(` ${key.toString('base64')}\n`).equals(key)).toBe(true);
  });

  it.each([
    ['too short', randomBytes(16).toString('base64'), /decodes to 16 bytes/],
    ['too long', randomBytes(33).toString('base64'), /decodes to 33 bytes/],
    ['empty', '', /decodes to 0 bytes/],
    ['not base64', `${randomBytes(32).toString('base64').slice(0, 40)}!!!=`, /not base64/],
    ['base64url', 'A-_'.repeat(14) + 'AA=', /not base64/],
  ])('refuses a key that is %s, without repeating it', (_case, text, message) => {
    expect(() => parseMasterKey(text)).toThrow(InvalidMasterKeyError);
    expect(() => parseMasterKey(text)).toThrow(message);
    try {
      parseMasterKey(text);
    } catch (error) {
      if (text) expect((error as Error).message).not.toContain(text);
    }
  });
});
