import type { RecordDescriptor, RecordKind } from '@soc/security';
import { type MeetingCommand, meetingDecider } from './meeting.decide.js';
import { type HeldMeeting, type Meeting, type MeetingEvent, meetingStream } from './meeting.js';

/**
 * The meeting as the policy sees it: the chair's organisation holds it, every invited
 * organisation is a party to it.
 */
export const meetingDescriptor = (
  meetingId: string,
  facts: { readonly chairOrganisationId: string; readonly invited: Iterable<string> },
): RecordDescriptor => ({
  type: 'meeting',
  id: meetingId,
  ownerOrganisationId: facts.chairOrganisationId,
  partyOrganisationIds: [...facts.invited].filter((id) => id !== facts.chairOrganisationId),
});

/** The meeting stream as command handlers load, judge and change it. */
export const meetings: RecordKind<Meeting, MeetingCommand, MeetingEvent, HeldMeeting> = {
  type: 'meeting',
  streamOf: meetingStream,
  decider: meetingDecider,
  exists: (state): state is HeldMeeting => state.status !== 'none',
  describe: (meetingId, meeting) =>
    meetingDescriptor(meetingId, {
      chairOrganisationId: meeting.chair.organisationId,
      invited: meeting.invited,
    }),
};
