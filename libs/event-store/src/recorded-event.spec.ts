import fc from 'fast-check';
import { canonicalJson } from './canonical-json.js';
import {
  envelopeJson,
  eventHash,
  globalLinkHash,
  globalLinkJson,
  type HashedEnvelope,
} from './recorded-event.js';

const envelope: HashedEnvelope = {
  eventId: '0197c1f0-0000-7000-8000-000000000001',
  type: 'directory.OrganisationRegistered',
  schemaVersion: 1,
  streamId: 'organisation:cleveland-police',
  streamType: 'organisation',
  streamVersion: 1,
  occurredAt: '2022-01-10T09:00:00.000Z',
  recordedAt: '2022-01-10T09:00:00.123Z',
  actor: { personId: 'admin-1', organisationId: 'nersou' },
  correlationId: '0197c1f0-0000-7000-8000-0000000000aa',
  causationId: null,
  payload: { organisationId: 'cleveland-police', name: 'Cleveland Police', kind: 'police-force' },
  previousHash: null,
};

describe('eventHash', () => {
  it('is stable for the same envelope, whatever the key order of its payload', () => {
    const reordered = {
      ...envelope,
      payload: {
        kind: 'police-force',
        name: 'Cleveland Police',
        organisationId: 'cleveland-police',
      },
    };
    expect(eventHash(reordered)).toBe(eventHash(envelope));
    expect(eventHash(envelope)).toMatch(/^[0-9a-f]{64}$/);
  });

  it.each<[string, Partial<HashedEnvelope>]>([
    ['payload', { payload: { ...(envelope.payload as object), name: 'Someone else' } }],
    ['actor', { actor: { personId: 'admin-2', organisationId: 'nersou' } }],
    ['stream version', { streamVersion: 2 }],
    ['recorded-at', { recordedAt: '2022-01-10T09:00:00.124Z' }],
    ['previous hash', { previousHash: 'a'.repeat(64) }],
    ['schema version', { schemaVersion: 2 }],
  ])('changes when the %s changes', (_field, change) => {
    expect(eventHash({ ...envelope, ...change })).not.toBe(eventHash(envelope));
  });

  it('chains global links: each covers the previous link', () => {
    const first = globalLinkHash({
      globalPosition: 1,
      eventHash: 'e1',
      sealedAt: '2022-01-10T09:00:00.200Z',
      previousHash: null,
    });
    const second = globalLinkHash({
      globalPosition: 2,
      eventHash: 'e2',
      sealedAt: '2022-01-10T09:00:00.200Z',
      previousHash: first,
    });
    const forged = globalLinkHash({
      globalPosition: 2,
      eventHash: 'e2',
      sealedAt: '2022-01-10T09:00:00.200Z',
      previousHash: null,
    });
    expect(second).not.toBe(forged);
  });
});

describe('the written-out canonical forms', () => {
  const text = fc.string({ unit: 'grapheme' });
  const hash = fc.option(fc.stringMatching(/^[0-9a-f]{64}$/), { nil: null });

  it('equal canonicalJson of the whole envelope', () => {
    fc.assert(
      fc.property(
        fc.record({
          eventId: fc.uuid(),
          type: text,
          schemaVersion: fc.nat(),
          streamId: text,
          streamType: text,
          streamVersion: fc.nat(),
          occurredAt: text,
          recordedAt: text,
          actor: fc.record({ personId: text, organisationId: text }),
          correlationId: fc.uuid(),
          causationId: fc.option(fc.uuid(), { nil: null }),
          payload: fc.jsonValue(),
          previousHash: hash,
        }),
        (e: HashedEnvelope) => {
          expect(envelopeJson(e, canonicalJson(e.payload))).toBe(canonicalJson(e));
        },
      ),
    );
  });

  it('equal canonicalJson of a global link', () => {
    fc.assert(
      fc.property(
        fc.record({
          globalPosition: fc.nat(),
          eventHash: fc.stringMatching(/^[0-9a-f]{64}$/),
          sealedAt: text,
          previousHash: hash,
        }),
        (link) => expect(globalLinkJson(link)).toBe(canonicalJson(link)),
      ),
    );
  });
});
