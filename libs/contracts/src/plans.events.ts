import { defineEvent } from './event-contract.js';
import type { PersonalField } from './personal-data.js';

/**
 * The SOC master list and each threat's plan on a page. Published on `soc.plans.events`; one
 * stream per threat (`threat:<id>`), so a plan's actions keep their order with the threat.
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
export const ThreatRegistered = defineEvent<ThreatRegisteredV1>()('plans.ThreatRegistered', 1);

export const ThreatTierChanged = defineEvent<{ threatId: string; tier: number; reason: string }>()(
  'plans.ThreatTierChanged',
  1,
);
export const ThreatPhaseChanged = defineEvent<{ threatId: string; phase: string }>()(
  'plans.ThreatPhaseChanged',
  1,
);
export const ThreatLroChanged = defineEvent<{
  threatId: string;
  lro: PersonRef;
  sro: PersonRef | null;
}>()('plans.ThreatLroChanged', 1);
export const ThreatClosed = defineEvent<{ threatId: string; reason: string }>()(
  'plans.ThreatClosed',
  1,
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
  'plans.ThreatAssessmentRecorded',
  1,
);
export const ThreatAssessmentModerated = defineEvent<{
  threatId: string;
  assessmentId: string;
  note: string;
}>()('plans.ThreatAssessmentModerated', 1);
export const ThreatAssessmentReturned = defineEvent<{
  threatId: string;
  assessmentId: string;
  reason: string;
}>()('plans.ThreatAssessmentReturned', 1);

/** The narrative of the plan on a page; every field replaces the previous one. */
export interface PlanUpdatedV1 {
  threatId: string;
  criminalActivity: string;
  placesAffected: string[];
  risks: string[];
  reviewDate: string;
}
export const PlanUpdated = defineEvent<PlanUpdatedV1>()('plans.PlanUpdated', 1);

/** The plan was reviewed by its owner; the next review falls on nextReviewDate. */
export const PlanReviewed = defineEvent<{
  threatId: string;
  reviewedOn: string;
  nextReviewDate: string;
  note: string;
}>()('plans.PlanReviewed', 1);

export const PlanShared = defineEvent<{ threatId: string; organisationIds: string[] }>()(
  'plans.PlanShared',
  1,
);
export const PlanUnshared = defineEvent<{ threatId: string; organisationIds: string[] }>()(
  'plans.PlanUnshared',
  1,
);

/** A person involved in the threat (a principal, an associate, a victim): personal data, sealed. */
export interface PlanPersonAddedV1 {
  threatId: string;
  involvementId: string;
  subjectId: string;
  name: PersonalField<string>;
  role: string;
}
export const PlanPersonAdded = defineEvent<PlanPersonAddedV1>()('plans.PlanPersonAdded', 1);
export const PlanPersonRemoved = defineEvent<{
  threatId: string;
  involvementId: string;
  reason: string;
}>()('plans.PlanPersonRemoved', 1);

export interface ActionProposedV1 {
  threatId: string;
  actionId: string;
  category: ActionCategory;
  description: string;
  owner: PersonRef;
  dueDate: string;
}
export const ActionProposed = defineEvent<ActionProposedV1>()('plans.ActionProposed', 1);
export const ActionAgreed = defineEvent<{ threatId: string; actionId: string }>()(
  'plans.ActionAgreed',
  1,
);
export const ActionStarted = defineEvent<{ threatId: string; actionId: string }>()(
  'plans.ActionStarted',
  1,
);
export const ActionCompleted = defineEvent<{
  threatId: string;
  actionId: string;
  outcome: string;
}>()('plans.ActionCompleted', 1);
export const ActionCancelled = defineEvent<{
  threatId: string;
  actionId: string;
  reason: string;
}>()('plans.ActionCancelled', 1);
export const ActionProgressRecorded = defineEvent<{
  threatId: string;
  actionId: string;
  note: string;
  on: string;
}>()('plans.ActionProgressRecorded', 1);

export const planEvents = [
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
