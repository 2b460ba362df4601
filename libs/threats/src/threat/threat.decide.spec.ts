import {
  ActionAgreed,
  ActionCancelled,
  ActionCompleted,
  ActionProposed,
  eventOf,
  PlanShared,
  PlanUnshared,
  ThreatAssessmentModerated,
  ThreatAssessmentRecorded,
  ThreatAssessmentReturned,
  ThreatClosed,
  ThreatRegistered,
  ThreatTierChanged,
} from '@soc/contracts';
import {
  AlreadyExistsError,
  InvalidTransitionError,
  NotFoundError,
  RuleViolationError,
} from '@soc/event-store';
import { deciderSpecification } from '@soc/event-store/testing';
import { AccessDeniedError } from '@soc/security';
import { type ThreatCommand, threatDecider } from './threat.decide.js';

const spec = deciderSpecification(threatDecider);
const threatId = '0197c1f0-0000-7000-8000-000000000001';
const today = '2026-11-25';
const lro = { personId: 'cleveland-police-lro', organisationId: 'cleveland-police' };

const registration = {
  threatId,
  ownerOrganisationId: 'cleveland-police',
  codeName: 'OPERATION KESTREL',
  summary: 'County lines supply into Hartlepool from Merseyside',
  priorityArea: 'county-lines',
  type: 'tactical' as const,
  tier: 2,
  phase: 'active',
  soc: true,
  lro,
  sro: null,
  place: null,
  clearHoldBuildPhase: null,
  marking: 'OFFICIAL' as const,
  signposting: true,
  openedOn: '2026-01-10',
};
const registered = eventOf(ThreatRegistered, { ...registration, kind: 'ocg' });
const register = (
  overrides: Partial<Extract<ThreatCommand, { kind: 'register' }>> = {},
): ThreatCommand => ({
  kind: 'register',
  today,
  threatKind: 'ocg',
  ...registration,
  ...overrides,
});
const assessment = {
  threatId,
  assessmentId: 'a-1',
  modelVersion: 'MoRiLE 2.1',
  scores: { harm: 80, likelihood: 70, confidence: 60, capacity: 50, capability: 40 },
  outputs: { totalScore: 1240, priority: 'high' as const, opportunity: 'medium' as const },
  assessedOn: '2026-11-01',
  intelligenceDate: '2026-10-20',
  rationale: 'Test purchases confirm supply continues',
};
const assessed = eventOf(ThreatAssessmentRecorded, assessment);
const shared = eventOf(PlanShared, { threatId, organisationIds: ['hartlepool-bc'] });
const partner = { personId: 'hartlepool-bc-partner-officer', organisationId: 'hartlepool-bc' };
const proposed = eventOf(ActionProposed, {
  threatId,
  actionId: 'x-1',
  category: 'prevent' as const,
  description: 'Closure order on the cuckooed flat',
  owner: partner,
  dueDate: '2026-12-31',
});

describe('threat', () => {
  describe('register', () => {
    it('registers a threat', () => {
      spec.given([]).when(register()).then([registered]);
    });
    it('refuses a second registration of the same id', () => {
      spec.given([registered]).when(register()).thenThrows(AlreadyExistsError);
    });
    it('needs a place for a SOC vulnerability, and a Clear, Hold, Build phase only there', () => {
      spec
        .given([])
        .when(register({ threatKind: 'soc-vulnerability' }))
        .thenThrows(RuleViolationError, /place/);
      spec
        .given([])
        .when(register({ clearHoldBuildPhase: 'hold' }))
        .thenThrows(RuleViolationError);
      spec
        .given([])
        .when(
          register({
            threatKind: 'soc-vulnerability',
            place: 'Dyke House, Hartlepool',
            clearHoldBuildPhase: 'hold',
          }),
        )
        .then([
          eventOf(ThreatRegistered, {
            ...registration,
            kind: 'soc-vulnerability',
            place: 'Dyke House, Hartlepool',
            clearHoldBuildPhase: 'hold',
          }),
        ]);
    });
    it('refuses a plan that begins in the future, or a threat registered closed', () => {
      spec
        .given([])
        .when(register({ openedOn: '2027-01-01' }))
        .thenThrows(RuleViolationError);
      spec
        .given([])
        .when(register({ phase: 'closed' }))
        .thenThrows(RuleViolationError);
    });
  });

  describe('changes to the threat', () => {
    it('changes the tier, and does nothing when it is the same', () => {
      spec
        .given([registered])
        .when({ kind: 'change-tier', threatId, today, tier: 3, reason: 'Principal remanded' })
        .then([eventOf(ThreatTierChanged, { threatId, tier: 3, reason: 'Principal remanded' })]);
      spec
        .given([registered])
        .when({ kind: 'change-tier', threatId, today, tier: 2, reason: 'x' })
        .thenNothingHappens();
    });
    it('closes through the close command only; a closed threat takes no more changes', () => {
      spec
        .given([registered])
        .when({ kind: 'change-phase', threatId, today, phase: 'closed' })
        .thenThrows(RuleViolationError);
      const closed = eventOf(ThreatClosed, { threatId, reason: 'Group dismantled' });
      spec
        .given([registered])
        .when({ kind: 'close', threatId, today, reason: 'Group dismantled' })
        .then([closed]);
      spec
        .given([registered, closed])
        .when({ kind: 'change-tier', threatId, today, tier: 1, reason: 'x' })
        .thenThrows(InvalidTransitionError);
    });
    it('refuses commands for a threat that does not exist', () => {
      spec
        .given([])
        .when({ kind: 'close', threatId, today, reason: 'x' })
        .thenThrows(NotFoundError);
    });
  });

  describe('assessments and moderation', () => {
    const record = { kind: 'record-assessment', today, ...assessment } as const;
    it('records an assessment; its intelligence cannot postdate it, nor can it be in the future', () => {
      spec.given([registered]).when(record).then([assessed]);
      spec
        .given([registered])
        .when({ ...record, intelligenceDate: '2026-11-02' })
        .thenThrows(RuleViolationError);
      spec
        .given([registered])
        .when({ ...record, assessedOn: '2026-12-01' })
        .thenThrows(RuleViolationError);
      spec.given([registered, assessed]).when(record).thenThrows(AlreadyExistsError);
    });
    it('moderates or returns the standing assessment once', () => {
      const moderate = {
        kind: 'moderate-assessment',
        threatId,
        today,
        assessmentId: 'a-1',
        note: 'Consistent',
      } as const;
      const moderated = eventOf(ThreatAssessmentModerated, {
        threatId,
        assessmentId: 'a-1',
        note: 'Consistent',
      });
      spec.given([registered, assessed]).when(moderate).then([moderated]);
      spec
        .given([registered, assessed, moderated])
        .when(moderate)
        .thenThrows(InvalidTransitionError, /already moderated/);
      spec
        .given([registered, assessed])
        .when({
          kind: 'return-assessment',
          threatId,
          today,
          assessmentId: 'a-1',
          reason: 'Harm score rests on 2019 intelligence',
        })
        .then([
          eventOf(ThreatAssessmentReturned, {
            threatId,
            assessmentId: 'a-1',
            reason: 'Harm score rests on 2019 intelligence',
          }),
        ]);
    });
    it('sends a re-assessment after moderation back to unmoderated: the old one can no longer be moderated', () => {
      const moderated = eventOf(ThreatAssessmentModerated, {
        threatId,
        assessmentId: 'a-1',
        note: 'ok',
      });
      const reassessed = eventOf(ThreatAssessmentRecorded, { ...assessment, assessmentId: 'a-2' });
      spec
        .given([registered, assessed, moderated, reassessed])
        .when({ kind: 'moderate-assessment', threatId, today, assessmentId: 'a-1', note: 'ok' })
        .thenThrows(InvalidTransitionError, /newer assessment/);
      spec
        .given([registered, assessed, moderated, reassessed])
        .when({ kind: 'moderate-assessment', threatId, today, assessmentId: 'a-2', note: 'ok' })
        .then([eventOf(ThreatAssessmentModerated, { threatId, assessmentId: 'a-2', note: 'ok' })]);
      spec
        .given([registered])
        .when({ kind: 'moderate-assessment', threatId, today, assessmentId: 'nope', note: 'ok' })
        .thenThrows(NotFoundError);
    });
  });

  describe('sharing and actions', () => {
    const propose = {
      kind: 'propose-action',
      threatId,
      today,
      actionId: 'x-1',
      category: 'prevent',
      description: 'Closure order on the cuckooed flat',
      owner: partner,
      dueDate: '2026-12-31',
    } as const;
    it('gives actions only to organisations that share the plan', () => {
      spec
        .given([registered])
        .when(propose)
        .thenThrows(RuleViolationError, /does not share this plan/);
      spec.given([registered, shared]).when(propose).then([proposed]);
    });
    it('refuses a due date before the plan began', () => {
      spec
        .given([registered, shared])
        .when({ ...propose, dueDate: '2025-12-31' })
        .thenThrows(RuleViolationError, /before the plan began/);
    });
    const agreed = eventOf(ActionAgreed, { threatId, actionId: 'x-1' });
    const complete = {
      kind: 'complete-action',
      threatId,
      today,
      actionId: 'x-1',
      outcome: 'x',
      completedBy: partner,
      unacknowledgedReferralIds: [],
      unacknowledgedReason: null,
    } as const;
    it('moves an action proposed -> agreed -> done, and refuses to complete a cancelled one', () => {
      spec
        .given([registered, shared, proposed])
        .when({ kind: 'agree-action', threatId, today, actionId: 'x-1' })
        .then([agreed]);
      spec
        .given([registered, shared, proposed, agreed])
        .when({ ...complete, outcome: 'Closure order granted' })
        .then([
          eventOf(ActionCompleted, {
            threatId,
            actionId: 'x-1',
            outcome: 'Closure order granted',
            unacknowledgedReferrals: null,
          }),
        ]);
      const cancelled = eventOf(ActionCancelled, {
        threatId,
        actionId: 'x-1',
        reason: 'Tenant moved out',
      });
      spec
        .given([registered, shared, proposed, cancelled])
        .when(complete)
        .thenThrows(InvalidTransitionError, /cancelled/);
      spec
        .given([registered, shared, proposed, cancelled])
        .when({ kind: 'record-progress', threatId, today, actionId: 'x-1', note: 'x' })
        .thenThrows(InvalidTransitionError);
      spec
        .given([registered, shared, proposed])
        .when({ kind: 'start-action', threatId, today, actionId: 'x-1' })
        .thenThrows(InvalidTransitionError, /proposed/);
    });
    it('completes an action whose referral is not yet acknowledged only as the LRO, saying why', () => {
      const waiting = { ...complete, unacknowledgedReferralIds: ['r-1'] };
      spec
        .given([registered, shared, proposed, agreed])
        .when(waiting)
        .thenThrows(InvalidTransitionError, /referral r-1 is not yet acknowledged/);
      spec
        .given([registered, shared, proposed, agreed])
        .when({ ...waiting, unacknowledgedReason: 'Visited jointly' })
        .thenThrows(AccessDeniedError, /Only the threat's LRO/);
      spec
        .given([registered, shared, proposed, agreed])
        .when({ ...waiting, completedBy: lro, unacknowledgedReason: 'Visited jointly' })
        .then([
          eventOf(ActionCompleted, {
            threatId,
            actionId: 'x-1',
            outcome: 'x',
            unacknowledgedReferrals: { referralIds: ['r-1'], reason: 'Visited jointly' },
          }),
        ]);
    });
    it('shares only with organisations not yet sharing, and keeps sharing while they own open actions', () => {
      spec
        .given([registered, shared])
        .when({ kind: 'share-plan', threatId, today, organisationIds: ['hartlepool-bc'] })
        .thenNothingHappens();
      spec
        .given([registered])
        .when({ kind: 'share-plan', threatId, today, organisationIds: ['cleveland-police'] })
        .thenThrows(RuleViolationError);
      spec
        .given([registered, shared, proposed])
        .when({ kind: 'unshare-plan', threatId, today, organisationIds: ['hartlepool-bc'] })
        .thenThrows(RuleViolationError, /open actions/);
      spec
        .given([registered, shared])
        .when({ kind: 'unshare-plan', threatId, today, organisationIds: ['hartlepool-bc'] })
        .then([eventOf(PlanUnshared, { threatId, organisationIds: ['hartlepool-bc'] })]);
    });
  });

  describe('the plan', () => {
    it('refuses a review date before the plan began, and a next review not after today', () => {
      spec
        .given([registered])
        .when({
          kind: 'update-plan',
          threatId,
          today,
          criminalActivity: 'x',
          placesAffected: [],
          risks: [],
          reviewDate: '2025-01-01',
        })
        .thenThrows(RuleViolationError);
      spec
        .given([registered])
        .when({ kind: 'review-plan', threatId, today, nextReviewDate: today, note: 'x' })
        .thenThrows(RuleViolationError);
    });
  });
});
