import type { DomainEvent } from '@soc/contracts';
import type { Decider } from '../decider.js';
import { deciderSpecification } from './decider-specification.js';

type Opened = DomainEvent<'sample.CaseOpened', { by: string }>;
type Closed = DomainEvent<'sample.CaseClosed', { reason: string }>;
type CaseEvent = Opened | Closed;
type CaseState = { status: 'none' } | { status: 'open'; by: string } | { status: 'closed' };
type CaseCommand = { kind: 'open'; by: string } | { kind: 'close'; reason: string; actor: string };

class InvalidTransition extends Error {}
class NotPermitted extends Error {}

/** A small decider standing for the real ones: pure, time and actor on the command. */
const caseDecider: Decider<CaseState, CaseCommand, CaseEvent> = {
  initialState: () => ({ status: 'none' }),
  evolve: (_state, event) =>
    event.type === 'sample.CaseOpened'
      ? { status: 'open', by: event.data.by }
      : { status: 'closed' },
  decide: (command, state) => {
    if (command.kind === 'open') {
      if (state.status !== 'none') throw new InvalidTransition('already opened');
      return [{ type: 'sample.CaseOpened', data: { by: command.by } }];
    }
    if (state.status === 'closed') return [];
    if (state.status !== 'open') throw new InvalidTransition('not open');
    if (state.by !== command.actor) throw new NotPermitted('only the opener may close');
    return [{ type: 'sample.CaseClosed', data: { reason: command.reason } }];
  },
};

describe('deciderSpecification', () => {
  const spec = deciderSpecification(caseDecider);
  const opened: Opened = { type: 'sample.CaseOpened', data: { by: 'lro-1' } };

  it('checks the events a command produces from a history', () => {
    spec
      .given([opened])
      .when({ kind: 'close', reason: 'done', actor: 'lro-1' })
      .then([{ type: 'sample.CaseClosed', data: { reason: 'done' } }]);
  });

  it('checks refusals by error type and message', () => {
    spec
      .given([opened])
      .when({ kind: 'close', reason: 'x', actor: 'someone' })
      .thenThrows(NotPermitted, /opener/);
    spec
      .given([])
      .when({ kind: 'close', reason: 'x', actor: 'lro-1' })
      .thenThrows(InvalidTransition);
  });

  it('checks idempotent commands produce nothing', () => {
    spec
      .given([opened, { type: 'sample.CaseClosed', data: { reason: 'done' } }])
      .when({ kind: 'close', reason: 'again', actor: 'lro-1' })
      .thenNothingHappens();
  });

  it('fails when the decider produces other events', () => {
    expect(() =>
      spec
        .given([])
        .when({ kind: 'open', by: 'lro-1' })
        .then([{ type: 'sample.CaseOpened', data: { by: 'lro-2' } }]),
    ).toThrow();
  });
});
