import type { DomainEvent } from '@soc/contracts';

/**
 * A stream's behaviour as pure functions: how its state evolves from events, and what events a
 * command produces from that state. Time, actor and ids arrive on the command.
 */
export interface Decider<TState, TCommand, TEvent extends DomainEvent = DomainEvent> {
  readonly initialState: () => TState;
  readonly evolve: (state: TState, event: TEvent) => TState;
  readonly decide: (command: TCommand, state: TState) => readonly TEvent[];
}

export function fold<TState, TEvent extends DomainEvent>(
  decider: Pick<Decider<TState, never, TEvent>, 'initialState' | 'evolve'>,
  events: readonly TEvent[],
): TState {
  return events.reduce(decider.evolve, decider.initialState());
}
