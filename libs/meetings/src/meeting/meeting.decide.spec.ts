import {
  AgendaItemAdded,
  AgendaPublished,
  AttendanceRecorded,
  eventOf,
  IntelligenceShared,
  MeetingScheduled,
  MinutesCorrected,
  MinutesFinalised,
  OrganisationsInvited,
  PartnerActionAgreed,
} from '@soc/contracts';
import {
  AlreadyExistsError,
  InvalidTransitionError,
  NotFoundError,
  RuleViolationError,
} from '@soc/event-store';
import { deciderSpecification } from '@soc/event-store/testing';
import { type KnownThreat, type MeetingCommand, meetingDecider } from './meeting.decide.js';

const spec = deciderSpecification(meetingDecider);
const meetingId = '0197d000-0000-7000-8000-000000000001';
const threatId = '0197c1f0-0000-7000-8000-000000000001';
const today = '2026-11-24';
const chair = { personId: 'cleveland-chair', organisationId: 'cleveland-police' };
const base = { meetingId, today };

const scheduled = eventOf(MeetingScheduled, {
  meetingId,
  kind: 'marsoc' as const,
  title: 'Cleveland MARSOC, December',
  chair,
  heldOn: '2026-12-01',
  place: 'Middlesbrough, Ladgate Lane',
  invitedOrganisationIds: ['cleveland-police', 'hartlepool-bc', 'probation'],
  confidentialityStatement: 'What is shared here stays here unless its owner agrees otherwise',
});
const onAgenda = eventOf(AgendaItemAdded, {
  meetingId,
  threatId,
  ownerOrganisationId: 'cleveland-police',
});
const finalised = eventOf(MinutesFinalised, { meetingId, summary: 'Eleven actions agreed' });

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;
type Input = DistributiveOmit<MeetingCommand, 'meetingId' | 'today'>;
const when = (command: Input) => ({ ...base, ...command }) as MeetingCommand;

const action = (overrides: Record<string, unknown> = {}) =>
  when({
    kind: 'agree-action',
    actionId: 'a-1',
    threatId,
    category: 'protect',
    description: 'Safeguarding visit to the cuckooed flat',
    leadOrganisationId: 'hartlepool-bc',
    supportingOrganisationIds: ['probation'],
    pointOfContact: { personId: 'hartlepool-asb-1', organisationId: 'hartlepool-bc' },
    dueDate: '2026-12-31',
    ...overrides,
  } as Input);

const intelligence = (grading: Record<string, unknown>, mayGoTo: string[]) =>
  when({
    kind: 'share-intelligence',
    itemId: 'i-1',
    threatId,
    summary: 'The line has moved to a new handset',
    grading: { source: 2, intelligence: 'B', handling: 'P', conditions: null, ...grading },
    mayGoTo,
    sharedBy: chair,
  } as Input);

describe('meeting', () => {
  it('schedules a meeting, the chair’s organisation invited with the others', () => {
    spec
      .given([])
      .when(
        when({
          kind: 'schedule',
          meetingKind: 'marsoc',
          title: 'Cleveland MARSOC, December',
          chair,
          heldOn: '2026-12-01',
          place: 'Middlesbrough, Ladgate Lane',
          invitedOrganisationIds: ['hartlepool-bc', 'probation'],
          confidentialityStatement:
            'What is shared here stays here unless its owner agrees otherwise',
        }),
      )
      .then([scheduled]);
    spec
      .given([scheduled])
      .when(when({ kind: 'invite', organisationIds: ['probation', 'hmrc'] }))
      .then([eventOf(OrganisationsInvited, { meetingId, organisationIds: ['hmrc'] })]);
  });

  it('puts on the agenda only threats the chair’s organisation sees, with their holder', () => {
    const known: KnownThreat = {
      ownerOrganisationId: 'durham-constabulary',
      lroOrganisationId: 'durham-constabulary',
      sharedWith: ['cleveland-police'],
      marking: 'OFFICIAL',
    };
    const add = (threat: KnownThreat | null, ownerOrganisationId = 'durham-constabulary') =>
      spec
        .given([scheduled])
        .when(when({ kind: 'add-agenda-item', threatId, ownerOrganisationId, threat }));
    const added = eventOf(AgendaItemAdded, {
      meetingId,
      threatId,
      ownerOrganisationId: 'durham-constabulary',
    });
    add(known).then([added]);
    add({ ...known, sharedWith: [], lroOrganisationId: 'cleveland-police' }).then([added]);
    // Unknown to the meetings context: held outside the system, or not delivered yet.
    add(null).then([added]);
    add({ ...known, sharedWith: [] }).thenThrows(RuleViolationError, /not one the chair/);
    add({ ...known, marking: 'OFFICIAL-SENSITIVE' }).thenThrows(
      RuleViolationError,
      /not one the chair's organisation \(cleveland-police\) can see/,
    );
    add(known, 'cleveland-police').thenThrows(RuleViolationError, /held by durham-constabulary/);
    spec
      .given([scheduled, onAgenda])
      .when(
        when({
          kind: 'add-agenda-item',
          threatId,
          ownerOrganisationId: 'cleveland-police',
          threat: null,
        }),
      )
      .then([]);
  });

  it('publishes an agenda of threats, and again only when it changed', () => {
    spec
      .given([scheduled])
      .when(when({ kind: 'publish-agenda' }))
      .thenThrows(RuleViolationError, /at least one threat/);
    const published = eventOf(AgendaPublished, { meetingId, threatIds: [threatId] });
    spec
      .given([scheduled, onAgenda])
      .when(when({ kind: 'publish-agenda' }))
      .then([published]);
    spec
      .given([scheduled, onAgenda, published])
      .when(when({ kind: 'publish-agenda' }))
      .then([]);
    spec
      .given([scheduled])
      .when(when({ kind: 'remove-agenda-item', threatId }))
      .thenThrows(NotFoundError);
  });

  it('records who attended; whoever attends accepts the confidentiality statement', () => {
    const present = {
      kind: 'record-attendance',
      organisationId: 'probation',
      personId: 'probation-officer-1',
      attendance: 'present',
    } as const;
    spec
      .given([scheduled])
      .when(when({ ...present, acceptedConfidentiality: true }))
      .then([
        eventOf(AttendanceRecorded, {
          meetingId,
          organisationId: 'probation',
          personId: 'probation-officer-1',
          attendance: 'present' as const,
          acceptedConfidentiality: true,
        }),
      ]);
    spec
      .given([scheduled])
      .when(when({ ...present, acceptedConfidentiality: false }))
      .thenThrows(RuleViolationError, /confidentiality/);
    spec
      .given([scheduled])
      .when(when({ ...present, organisationId: 'nca', acceptedConfidentiality: true }))
      .thenThrows(RuleViolationError, /not invited.*nca/);
  });

  it('grades intelligence 3x5x2; handling code C needs its conditions and recipients', () => {
    spec
      .given([scheduled, onAgenda])
      .when(intelligence({ handling: 'C', conditions: '  Not for court  ' }, ['probation']))
      .then([
        eventOf(IntelligenceShared, {
          meetingId,
          itemId: 'i-1',
          threatId,
          summary: 'The line has moved to a new handset',
          grading: { source: 2, intelligence: 'B', handling: 'C', conditions: 'Not for court' },
          mayGoTo: ['probation'],
          sharedBy: chair,
        }),
      ]);
    spec
      .given([scheduled, onAgenda])
      .when(intelligence({ handling: 'C', conditions: 'Not for court' }, []))
      .thenThrows(RuleViolationError, /Handling code C/);
    spec
      .given([scheduled, onAgenda])
      .when(intelligence({ handling: 'C', conditions: ' ' }, ['probation']))
      .thenThrows(RuleViolationError, /Handling code C/);
    spec
      .given([scheduled])
      .when(intelligence({}, []))
      .thenThrows(RuleViolationError, /not on the meeting's agenda/);
  });

  it('agrees an action for an invited lead organisation on an agenda threat', () => {
    spec
      .given([scheduled, onAgenda])
      .when(action())
      .then([
        eventOf(PartnerActionAgreed, {
          meetingId,
          actionId: 'a-1',
          threatId,
          category: 'protect' as const,
          description: 'Safeguarding visit to the cuckooed flat',
          leadOrganisationId: 'hartlepool-bc',
          supportingOrganisationIds: ['probation'],
          pointOfContact: { personId: 'hartlepool-asb-1', organisationId: 'hartlepool-bc' },
          dueDate: '2026-12-31',
        }),
      ]);
    spec
      .given([scheduled, onAgenda])
      .when(action({ supportingOrganisationIds: ['hmrc'] }))
      .thenThrows(RuleViolationError, /not invited.*hmrc/);
    spec
      .given([scheduled, onAgenda])
      .when(action({ pointOfContact: { personId: 'x', organisationId: 'probation' } }))
      .thenThrows(RuleViolationError, /point of contact/);
    spec
      .given([scheduled, onAgenda])
      .when(action({ dueDate: '2026-11-30' }))
      .thenThrows(RuleViolationError, /before the meeting/);
    spec
      .given([scheduled])
      .when(action())
      .thenThrows(RuleViolationError, /agenda/);
  });

  it('changes nothing in place once the minutes are final: corrections only', () => {
    spec
      .given([scheduled, onAgenda, finalised])
      .when(action())
      .thenThrows(InvalidTransitionError, /correction/);
    spec
      .given([scheduled, finalised])
      .when(when({ kind: 'finalise-minutes', summary: 'again' }))
      .thenThrows(InvalidTransitionError);
    const correction = { kind: 'correct-minutes', correctionId: 'c-1', correction: 'x' } as const;
    spec
      .given([scheduled])
      .when(when(correction))
      .thenThrows(InvalidTransitionError, /not final/);
    const corrected = eventOf(MinutesCorrected, {
      meetingId,
      correctionId: 'c-1',
      correction: 'x',
    });
    spec.given([scheduled, finalised]).when(when(correction)).then([corrected]);
    spec.given([scheduled, finalised, corrected]).when(when(correction)).then([]);
  });

  it('refuses a second schedule of one meeting, and commands on one never scheduled', () => {
    spec
      .given([scheduled])
      .when(when({ ...scheduled.data, kind: 'schedule', meetingKind: 'marsoc' }))
      .thenThrows(AlreadyExistsError);
    spec
      .given([])
      .when(when({ kind: 'publish-agenda' }))
      .thenThrows(NotFoundError);
  });
});
