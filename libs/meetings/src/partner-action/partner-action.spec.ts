import {
  DueDateChangeGranted,
  DueDateChangeRefused,
  DueDateChangeRequested,
  eventOf,
  PartnerActionClosed,
  PartnerActionCompleted,
  PartnerActionProgressPosted,
} from '@soc/contracts';
import { InvalidTransitionError, NotFoundError, RuleViolationError } from '@soc/event-store';
import { deciderSpecification } from '@soc/event-store/testing';
import { type PartnerActionCommand, partnerActionDecider } from './partner-action.js';

const actionId = 'a-1';
const today = '2026-12-08';
const spec = deciderSpecification(
  partnerActionDecider({
    actionId,
    threatId: 't-1',
    leadOrganisationId: 'hartlepool-bc',
    supportingOrganisationIds: ['probation'],
    pointOfContact: { personId: 'hartlepool-asb-1', organisationId: 'hartlepool-bc' },
    dueDate: '2026-12-31',
  }),
);

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;
const when = (command: DistributiveOmit<PartnerActionCommand, 'actionId' | 'today'>) =>
  ({ actionId, today, ...command }) as PartnerActionCommand;

const requested = eventOf(DueDateChangeRequested, {
  actionId,
  requestId: 'r-1',
  proposedDueDate: '2027-01-31',
  reason: 'Court date moved',
});
const completed = eventOf(PartnerActionCompleted, { actionId, outcome: 'Visit made' });

describe('partner action', () => {
  it('takes dated progress, then completion', () => {
    spec
      .given([])
      .when(when({ kind: 'post-progress', note: 'Visit booked', on: '2026-12-05' }))
      .then([
        eventOf(PartnerActionProgressPosted, { actionId, note: 'Visit booked', on: '2026-12-05' }),
      ]);
    spec
      .given([])
      .when(when({ kind: 'complete', outcome: 'Visit made' }))
      .then([completed]);
  });

  it('closes without completion under a reason kept apart from completion', () => {
    spec
      .given([])
      .when(when({ kind: 'close', reason: 'agency-did-not-act', explanation: 'No reply' }))
      .then([
        eventOf(PartnerActionClosed, {
          actionId,
          reason: 'agency-did-not-act' as const,
          explanation: 'No reply',
        }),
      ]);
  });

  it('takes no more changes once completed or closed', () => {
    spec
      .given([completed])
      .when(when({ kind: 'post-progress', note: 'late' }))
      .thenThrows(InvalidTransitionError, /completed/);
  });

  it('moves the due date only when the chair grants a request; a refusal keeps it', () => {
    const request = {
      kind: 'request-due-date',
      requestId: 'r-1',
      dueDate: '2027-01-31',
      reason: 'Court date moved',
    } as const;
    spec.given([]).when(when(request)).then([requested]);
    spec
      .given([requested])
      .when(when({ ...request, requestId: 'r-2' }))
      .thenThrows(InvalidTransitionError, /already asked/);
    spec
      .given([requested])
      .when(when({ kind: 'grant-due-date', requestId: 'r-1' }))
      .then([eventOf(DueDateChangeGranted, { actionId, requestId: 'r-1', dueDate: '2027-01-31' })]);
    spec
      .given([requested])
      .when(when({ kind: 'refuse-due-date', requestId: 'r-1', reason: 'Needed before Christmas' }))
      .then([
        eventOf(DueDateChangeRefused, {
          actionId,
          requestId: 'r-1',
          reason: 'Needed before Christmas',
        }),
      ]);
    spec
      .given([])
      .when(when({ kind: 'grant-due-date', requestId: 'r-1' }))
      .thenThrows(NotFoundError);
    spec
      .given([])
      .when(when({ ...request, dueDate: '2026-12-31' }))
      .thenThrows(RuleViolationError, /already due/);
    spec
      .given([])
      .when(when({ ...request, dueDate: '2026-12-01' }))
      .thenThrows(RuleViolationError, /past/);
  });
});
