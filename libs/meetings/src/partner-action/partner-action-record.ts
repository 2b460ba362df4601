import { Injectable } from '@nestjs/common';
import { PartnerActionAgreed, type PartnerActionAgreedV1 } from '@soc/contracts';
import { EventStore } from '@soc/event-store';
import type { RecordKind } from '@soc/security';
import type { AgreedAction, HeldMeeting } from '../meeting/meeting.js';
import { meetings } from '../meeting/meeting-record.js';
import {
  type PartnerAction,
  type PartnerActionCommand,
  partnerActionDecider,
  type PartnerActionEvent,
  partnerActionStream,
} from './partner-action.js';

/**
 * The meeting as agreeing an action appends to it: the event that agrees the action takes the
 * action's id as its own event id. An action is agreed on its meeting's stream and lives on its
 * own, so `/actions/:actionId` has to find the meeting; this makes that one read of the event
 * store's unique event id, in the same append as the agreement (nothing to keep in step).
 */
export const agreeingMeetings: typeof meetings = {
  ...meetings,
  decider: {
    ...meetings.decider,
    decide: (command, meeting) =>
      meetings.decider
        .decide(command, meeting)
        .map((event) =>
          event.type === PartnerActionAgreed.type
            ? { ...event, eventId: event.data.actionId }
            : event,
        ),
  },
};

/** Which meeting agreed an action, or null: the meeting's id in the event keyed by the action. */
@Injectable()
export class AgreedActions {
  constructor(private readonly store: EventStore) {}

  async meetingOf(actionId: string): Promise<string | null> {
    const event = await this.store.readEvent(actionId);
    if (event?.type !== PartnerActionAgreed.type) return null;
    return (event.data as PartnerActionAgreedV1).meetingId;
  }
}

/** Who judges a command on an action: its lead organisation, or the meeting's chair. */
export type ActionAuthority = 'lead' | 'chair';

/**
 * An agreed action's stream as its commands change it. The organisation with `authority` owns it
 * for the policy; every other organisation invited to the meeting knows of it (from the minutes).
 */
export function partnerActions(
  meeting: HeldMeeting,
  action: AgreedAction,
  authority: ActionAuthority,
): RecordKind<PartnerAction, PartnerActionCommand, PartnerActionEvent, PartnerAction> {
  const owner = authority === 'lead' ? action.leadOrganisationId : meeting.chair.organisationId;
  return {
    type: 'partner-action',
    streamOf: partnerActionStream,
    decider: partnerActionDecider(action),
    exists: (state): state is PartnerAction => state.agreed !== undefined,
    describe: (actionId) => ({
      type: 'partner-action',
      id: actionId,
      ownerOrganisationId: owner,
      partyOrganisationIds: [...meeting.invited].filter((id) => id !== owner),
    }),
  };
}
