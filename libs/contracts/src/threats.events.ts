import { defineEvent } from './event-contract.js';
import type { PersonalField } from './personal-data.js';

/**
 * The SOC master list and each threat's plan on a page. Published on `soc.threats.events`; one
 * stream per threat (`threat:<id>`), so a plan's actions keep their order with the threat.
 *
 * The context published its events as `plans.<Name>` before it took its folder's name; events
 * stored then keep that name (it is part of their hash) and are read under the current one.
 */

export type ThreatKind = 'ocg' | 'priority-individual' | 'soc-vulnerability';
export type ThreatType = 'tactical' | 'strategic';
export type Marking = 'OFFICIAL' | 'OFFICIAL-SENSITIVE';
export type ActionCategory = 'pursue' | 'prevent' | 'protect' | 'prepare';
export type ActionStatus = 'proposed' | 'agreed' | 'in-progress' | 'done' | 'cancelled';
export type ClearHoldBuildPhase = 'clear' | 'hold' | 'build';

export const THREAT_KINDS: readonly ThreatKind[] = [
  'ocg',
  'priority-individual',
  'soc-vulnerability',
];
export const THREAT_TYPES: readonly ThreatType[] = ['tactical', 'strategic'];
export const MARKINGS: readonly Marking[] = ['OFFICIAL', 'OFFICIAL-SENSITIVE'];
export const ACTION_CATEGORIES: readonly ActionCategory[] = [
  'pursue',
  'prevent',
  'protect',
  'prepare',
];
export const CLEAR_HOLD_BUILD_PHASES: readonly ClearHoldBuildPhase[] = ['clear', 'hold', 'build'];
/** The regional priorities the list starts with; new ones are added here, never removed. */
export const PRIORITY_AREAS = [
  'drug-trafficking',
  'economic-crime',
  'county-lines',
  'child-sexual-exploitation',
  'modern-slavery',
  'cybercrime',
  'organised-acquisitive-crime',
  'firearms',
] as const;

/** A person acting for an organisation (an LRO, an SRO, an action's owner). */
export interface PersonRef {
  personId: string;
  organisationId: string;
}

export interface ThreatRegisteredV1 {
  threatId: string;
  ownerOrganisationId: string;
  kind: ThreatKind;
  codeName: string;
  summary: string;
  priorityArea: string;
  type: ThreatType;
  tier: number;
  phase: string;
  /** Whether the threat counts as serious and organised crime (the master list holds a few that do not). */
  soc: boolean;
  lro: PersonRef;
  sro: PersonRef | null;
  /** For a soc-vulnerability: the place, and its Clear, Hold, Build phase where one runs. */
  place: string | null;
  clearHoldBuildPhase: ClearHoldBuildPhase | null;
  marking: Marking;
  /** Whether organisations that may not read the threat may learn it exists and who holds it. */
  signposting: boolean;
  /** When the plan began: no action may fall due before it. */
  openedOn: string;
}
export const ThreatRegistered = defineEvent<ThreatRegisteredV1>()('threats.ThreatRegistered', 1, {
  formerly: ['plans.ThreatRegistered'],
});

export const ThreatTierChanged = defineEvent<{ threatId: string; tier: number; reason: string }>()(
  'threats.ThreatTierChanged',
  1,
  { formerly: ['plans.ThreatTierChanged'] },
);
export const ThreatPhaseChanged = defineEvent<{ threatId: string; phase: string }>()(
  'threats.ThreatPhaseChanged',
  1,
  { formerly: ['plans.ThreatPhaseChanged'] },
);
export const ThreatLroChanged = defineEvent<{
  threatId: string;
  lro: PersonRef;
  sro: PersonRef | null;
}>()('threats.ThreatLroChanged', 1, { formerly: ['plans.ThreatLroChanged'] });
export const ThreatClosed = defineEvent<{ threatId: string; reason: string }>()(
  'threats.ThreatClosed',
  1,
  { formerly: ['plans.ThreatClosed'] },
);

/** MoRiLE: scored dimensions and outputs, under the scoring model's version the force uses. */
export interface MorileScores {
  harm: number;
  likelihood: number;
  confidence: number;
  capacity: number;
  capability: number;
}
export interface MorileOutputs {
  totalScore: number;
  priority: 'high' | 'medium' | 'low';
  opportunity: 'high' | 'medium' | 'low';
}
export interface ThreatAssessmentRecordedV1 {
  threatId: string;
  assessmentId: string;
  modelVersion: string;
  scores: MorileScores;
  outputs: MorileOutputs;
  assessedOn: string;
  /** The date of the newest intelligence the assessment rests on: old basis, stale assessment. */
  intelligenceDate: string;
  rationale: string;
}
export const ThreatAssessmentRecorded = defineEvent<ThreatAssessmentRecordedV1>()(
  'threats.ThreatAssessmentRecorded',
  1,
  { formerly: ['plans.ThreatAssessmentRecorded'] },
);
export const ThreatAssessmentModerated = defineEvent<{
  threatId: string;
  assessmentId: string;
  note: string;
}>()('threats.ThreatAssessmentModerated', 1, { formerly: ['plans.ThreatAssessmentModerated'] });
export const ThreatAssessmentReturned = defineEvent<{
  threatId: string;
  assessmentId: string;
  reason: string;
}>()('threats.ThreatAssessmentReturned', 1, { formerly: ['plans.ThreatAssessmentReturned'] });

/** The narrative of the plan on a page; every field replaces the previous one. */
export interface PlanUpdatedV1 {
  threatId: string;
  criminalActivity: string;
  placesAffected: string[];
  risks: string[];
  reviewDate: string;
}
export const PlanUpdated = defineEvent<PlanUpdatedV1>()('threats.PlanUpdated', 1, {
  formerly: ['plans.PlanUpdated'],
});

/** The plan was reviewed by its owner; the next review falls on nextReviewDate. */
export const PlanReviewed = defineEvent<{
  threatId: string;
  reviewedOn: string;
  nextReviewDate: string;
  note: string;
}>()('threats.PlanReviewed', 1, { formerly: ['plans.PlanReviewed'] });

export const PlanShared = defineEvent<{ threatId: string; organisationIds: string[] }>()(
  'threats.PlanShared',
  1,
  { formerly: ['plans.PlanShared'] },
);
export const PlanUnshared = defineEvent<{ threatId: string; organisationIds: string[] }>()(
  'threats.PlanUnshared',
  1,
  { formerly: ['plans.PlanUnshared'] },
);

/** A person involved in the threat (a principal, an associate, a victim): personal data, sealed. */
export interface PlanPersonAddedV1 {
  threatId: string;
  involvementId: string;
  subjectId: string;
  name: PersonalField<string>;
  role: string;
}
export const PlanPersonAdded = defineEvent<PlanPersonAddedV1>()('threats.PlanPersonAdded', 1, {
  formerly: ['plans.PlanPersonAdded'],
});
export const PlanPersonRemoved = defineEvent<{
  threatId: string;
  involvementId: string;
  reason: string;
}>()('threats.PlanPersonRemoved', 1, { formerly: ['plans.PlanPersonRemoved'] });

export interface ActionProposedV1 {
  threatId: string;
  actionId: string;
  category: ActionCategory;
  description: string;
  owner: PersonRef;
  dueDate: string;
}
export const ActionProposed = defineEvent<ActionProposedV1>()('threats.ActionProposed', 1, {
  formerly: ['plans.ActionProposed'],
});
export const ActionAgreed = defineEvent<{ threatId: string; actionId: string }>()(
  'threats.ActionAgreed',
  1,
  { formerly: ['plans.ActionAgreed'] },
);
export const ActionStarted = defineEvent<{ threatId: string; actionId: string }>()(
  'threats.ActionStarted',
  1,
  { formerly: ['plans.ActionStarted'] },
);
export interface ActionCompletedV1 {
  threatId: string;
  actionId: string;
  outcome: string;
}
/**
 * Version 2 records why the LRO completed a protect action whose safeguarding referrals were
 * still unacknowledged (null when none was).
 */
export interface ActionCompletedV2 extends ActionCompletedV1 {
  unacknowledgedReferrals: { referralIds: string[]; reason: string } | null;
}
export const ActionCompleted = defineEvent<ActionCompletedV2>()('threats.ActionCompleted', 2, {
  upcasters: {
    1: (v1: ActionCompletedV1): ActionCompletedV2 => ({ ...v1, unacknowledgedReferrals: null }),
  },
  formerly: ['plans.ActionCompleted'],
});
export const ActionCancelled = defineEvent<{
  threatId: string;
  actionId: string;
  reason: string;
}>()('threats.ActionCancelled', 1, { formerly: ['plans.ActionCancelled'] });
export const ActionProgressRecorded = defineEvent<{
  threatId: string;
  actionId: string;
  note: string;
  on: string;
}>()('threats.ActionProgressRecorded', 1, { formerly: ['plans.ActionProgressRecorded'] });

export const threatEvents = [
  ThreatRegistered,
  ThreatTierChanged,
  ThreatPhaseChanged,
  ThreatLroChanged,
  ThreatClosed,
  ThreatAssessmentRecorded,
  ThreatAssessmentModerated,
  ThreatAssessmentReturned,
  PlanUpdated,
  PlanReviewed,
  PlanShared,
  PlanUnshared,
  PlanPersonAdded,
  PlanPersonRemoved,
  ActionProposed,
  ActionAgreed,
  ActionStarted,
  ActionCompleted,
  ActionCancelled,
  ActionProgressRecorded,
] as const;
