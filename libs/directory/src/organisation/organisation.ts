import {
  OrganisationRegistered,
  type EventOf,
  eventOf,
  type OrganisationKind,
} from '@soc/contracts';
import { AlreadyExistsError, type Decider, streamId } from '@soc/event-store';

export type OrganisationEvent = EventOf<typeof OrganisationRegistered>;

export type Organisation =
  | { readonly status: 'none' }
  | { readonly status: 'registered'; readonly name: string; readonly kind: OrganisationKind };

export interface OrganisationCommand {
  readonly organisationId: string;
  readonly name: string;
  readonly kind: OrganisationKind;
}

export const organisationStream = (organisationId: string) =>
  streamId('organisation', organisationId);

export const organisationDecider: Decider<Organisation, OrganisationCommand, OrganisationEvent> = {
  initialState: () => ({ status: 'none' }),
  evolve: (_state, event) => ({
    status: 'registered',
    name: event.data.name,
    kind: event.data.kind,
  }),
  decide: (command, state) => {
    if (state.status === 'registered') {
      throw new AlreadyExistsError(`Organisation ${command.organisationId} is already registered`);
    }
    return [eventOf(OrganisationRegistered, { ...command })];
  },
};
