import {
  type EventOf,
  eventOf,
  PersonalDataErased,
  type PersonalField,
  PersonEnrolled,
  PersonRolesChanged,
} from '@soc/contracts';
import {
  AlreadyExistsError,
  type Decider,
  InvalidTransitionError,
  NotFoundError,
  streamId,
} from '@soc/event-store';

export type PersonEvent =
  | EventOf<typeof PersonEnrolled>
  | EventOf<typeof PersonRolesChanged>
  | EventOf<typeof PersonalDataErased>;

export type Person =
  | { readonly status: 'none' }
  | {
      readonly status: 'enrolled';
      readonly organisationId: string;
      readonly roles: readonly string[];
      readonly erased: boolean;
    };

export type PersonCommand =
  | {
      readonly kind: 'enrol';
      readonly personId: string;
      readonly organisationId: string;
      /** Sealed under the person's key by the shell before deciding. */
      readonly displayName: PersonalField<string>;
      readonly roles: readonly string[];
    }
  | { readonly kind: 'change-roles'; readonly personId: string; readonly roles: readonly string[] }
  | {
      readonly kind: 'erase';
      readonly personId: string;
      readonly subjectId: string;
      readonly reason: string;
    };

export const personStream = (personId: string) => streamId('person', personId);
export const personSubject = (personId: string) => `person:${personId}`;

const sameRoles = (a: readonly string[], b: readonly string[]) =>
  a.length === b.length && [...a].sort().join() === [...b].sort().join();

function evolve(state: Person, event: PersonEvent): Person {
  switch (event.type) {
    case PersonEnrolled.type:
      return {
        status: 'enrolled',
        organisationId: event.data.organisationId,
        roles: event.data.roles,
        erased: false,
      };
    case PersonRolesChanged.type:
      return state.status === 'enrolled' ? { ...state, roles: event.data.roles } : state;
    case PersonalDataErased.type:
      return state.status === 'enrolled' ? { ...state, erased: true } : state;
  }
}

function decide(command: PersonCommand, state: Person): PersonEvent[] {
  if (command.kind === 'enrol') {
    if (state.status !== 'none') {
      throw new AlreadyExistsError(`Person ${command.personId} is already enrolled`);
    }
    const { kind: _kind, ...data } = command;
    return [eventOf(PersonEnrolled, { ...data, roles: [...data.roles] })];
  }
  if (state.status === 'none') throw new NotFoundError(`No person ${command.personId}`);
  const { organisationId } = state;
  if (command.kind === 'erase') {
    if (state.erased) return [];
    const { kind: _kind, ...data } = command;
    return [eventOf(PersonalDataErased, { ...data, organisationId })];
  }
  if (state.erased) {
    throw new InvalidTransitionError(`Person ${command.personId} was erased; enrol them anew`);
  }
  if (sameRoles(state.roles, command.roles)) return [];
  return [
    eventOf(PersonRolesChanged, {
      personId: command.personId,
      organisationId,
      roles: [...command.roles],
    }),
  ];
}

export const personDecider: Decider<Person, PersonCommand, PersonEvent> = {
  initialState: () => ({ status: 'none' }),
  evolve,
  decide,
};
