import { PurposeMalformedError } from '../errors.js';
import { parsePurpose } from './security.decorators.js';

/** What Node's HTTP parser hands over for a header sent as UTF-8: one character per byte. */
const asReceived = (text: string) => Buffer.from(text, 'utf8').toString('latin1');

describe('X-Purpose', () => {
  it.each([
    'MARSOC preparation',
    'Überprüfung der Akte',
    'Adolygiad ŵyr ac wyrion',
    '審查檔案以準備會議',
    'Проверка дела',
    'مراجعة الملف',
    'Review 🙂 of the file',
    'abc',
  ])('takes "%s" sent as UTF-8 as the very text', (text) => {
    expect(parsePurpose(asReceived(text))).toBe(text);
  });

  it('takes a value already decoded as it is', () => {
    expect(parsePurpose('Überprüfung der Akte')).toBe('Überprüfung der Akte');
  });

  it('reads bytes that are not UTF-8 as latin-1, as older clients send them', () => {
    expect(parsePurpose(Buffer.from('Prüfung', 'latin1').toString('latin1'))).toBe('Prüfung');
  });

  it('trims white space around the purpose', () => {
    expect(parsePurpose('  MARSOC preparation\t')).toBe('MARSOC preparation');
  });

  it('is null when the header is absent', () => {
    expect(parsePurpose(undefined)).toBeNull();
  });

  it.each([
    ['too short', 'ab'],
    ['too short once trimmed', '  ab  '],
    ['empty', ''],
    ['over 500 characters', 'a'.repeat(501)],
    ['over 500 characters once decoded', asReceived('ü'.repeat(501))],
    ['a NUL', 'audit\u0000x'],
    ['a C0 control', 'audit\u0007x'],
    ['an escape sequence', 'audit \u001b[31mred'],
    ['a line break', 'audit\nx'],
    ['DEL', 'audit\u007fx'],
    ['a C1 control sent as UTF-8', asReceived('audit\u0085x')],
    ['a C1 control sent as latin-1', 'audit\u009bx'],
    ['a lone surrogate', 'audit\ud800x'],
    ['a private-use character', asReceived('audit\ue000x')],
    ['a supplementary private-use character', asReceived('audit\u{10fffd}x')],
    ['an unassigned code point', asReceived('audit\u0378x')],
    ['a bidirectional override', asReceived('audit \u202egnp.exe')],
    ['a bidirectional isolate', asReceived('audit \u2067x\u2069')],
    ['a list of values', ['MARSOC preparation', 'again']],
  ])('refuses %s', (_what, header) => {
    expect(() => parsePurpose(header)).toThrow(PurposeMalformedError);
  });

  it('accepts exactly 3 and exactly 500 characters, counted as characters, not bytes', () => {
    expect(parsePurpose(asReceived('ŵŵŵ'))).toBe('ŵŵŵ');
    expect(parsePurpose(asReceived('審'.repeat(500)))).toBe('審'.repeat(500));
    expect(parsePurpose(asReceived('🙂'.repeat(500)))).toBe('🙂'.repeat(500));
  });
});
