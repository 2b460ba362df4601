import { calendar, escapeText, foldLine } from './icalendar.js';

describe('iCalendar text', () => {
  it('escapes backslash, semicolon, comma and every kind of newline in TEXT', () => {
    expect(escapeText('a\\b; c, d\r\ne\nf\rg')).toBe('a\\\\b\\; c\\, d\\ne\\nf\\ng');
  });

  it('folds a line at 75 octets, never inside a UTF-8 character', () => {
    const line = `SUMMARY:${'é'.repeat(60)}`;
    const folded = foldLine(line).split('\r\n');
    expect(folded.every((part) => Buffer.byteLength(part) <= 75)).toBe(true);
    expect(folded.slice(1).every((part) => part.startsWith(' '))).toBe(true);
    expect(folded.map((part, i) => (i === 0 ? part : part.slice(1))).join('')).toBe(line);
    expect(foldLine('SHORT:x')).toBe('SHORT:x');
    expect(foldLine('X'.repeat(75))).toBe('X'.repeat(75));
    expect(foldLine('X'.repeat(76))).toBe(`${'X'.repeat(75)}\r\n X`);
  });

  it('writes one all-day VEVENT per event, with CRLF line endings', () => {
    const text = calendar(
      'Actions, Hartlepool BC',
      [
        {
          uid: 'partner-action-1@soc-partnership',
          date: '2026-12-31',
          summary: 'Visit; then report, quickly',
          description: 'Line one\nLine two',
        },
      ],
      new Date('2026-12-08T09:30:05.123Z'),
    );
    expect(text.endsWith('END:VCALENDAR\r\n')).toBe(true);
    expect(text.replace(/\r\n/g, '')).not.toMatch(/[\r\n]/);
    expect(text.split('\r\n')).toEqual([
      'BEGIN:VCALENDAR',
      'VERSION:2.0',
      'PRODID:-//SOC partnership//My actions//EN',
      'CALSCALE:GREGORIAN',
      'METHOD:PUBLISH',
      'X-WR-CALNAME:Actions\\, Hartlepool BC',
      'BEGIN:VEVENT',
      'UID:partner-action-1@soc-partnership',
      'DTSTAMP:20261208T093005Z',
      'DTSTART;VALUE=DATE:20261231',
      'DTEND;VALUE=DATE:20270101',
      'SUMMARY:Visit\\; then report\\, quickly',
      'DESCRIPTION:Line one\\nLine two',
      'TRANSP:TRANSPARENT',
      'END:VEVENT',
      'END:VCALENDAR',
      '',
    ]);
  });
});
