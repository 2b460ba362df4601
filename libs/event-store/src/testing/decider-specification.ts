import type { DomainEvent } from '@soc/contracts';
import { type Decider, fold } from '../decider.js';

/**
 * Given events, when a command, then events (or an error): tests a decider with no I/O.
 *
 *   spec.given([registered]).when(close).then([closed]);
 *   spec.given([]).when(close).thenThrows(InvalidTransition);
 */
export function deciderSpecification<TState, TCommand, TEvent extends DomainEvent>(
  decider: Decider<TState, TCommand, TEvent>,
) {
  return {
    given: (history: readonly TEvent[]) => ({
      when: (command: TCommand) => {
        const run = () => decider.decide(command, fold(decider, history));
        return {
          then: (expected: readonly TEvent[]) => expect(run()).toEqual(expected),
          thenNothingHappens: () => expect(run()).toEqual([]),
          thenThrows: (error: new (...args: never[]) => Error, message?: string | RegExp) => {
            expect(run).toThrow(error);
            if (message) expect(run).toThrow(message);
          },
        };
      },
    }),
  };
}
