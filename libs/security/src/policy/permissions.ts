import { ROLES, type Role } from '../principal.js';

/**
 * How the caller's organisation stands to a record:
 * - owner: it holds the record;
 * - party: it is named on the record (e.g. the receiving organisation of a referral);
 * - shared: the owner shared the record with it;
 * - none: none of these.
 */
export type Relation = 'owner' | 'party' | 'shared' | 'none';
export const RELATIONS: readonly Relation[] = ['owner', 'party', 'shared', 'none'];

/** What a role may do under a permission: with records of these relations, or with any record. */
export type Grant = readonly Relation[] | 'any';

export interface PermissionRule {
  readonly description: string;
  /** Reads that disclose personal data: the caller must state a purpose and the read is logged. */
  readonly personalData?: boolean;
  readonly grants: Partial<Record<Role, Grant>>;
}

const everyRole = (grant: Grant): Partial<Record<Role, Grant>> =>
  Object.fromEntries(ROLES.map((role) => [role, grant]));

/**
 * The one table of who may do what. Every route names one of these permissions; a route without
 * one is refused. Auditors read everything and change nothing.
 */
export const PERMISSIONS = {
  'organisation:read': {
    description: 'See the directory of organisations (names and kinds are not personal data)',
    grants: everyRole('any'),
  },
  'organisation:register': {
    description: 'Register an organisation in the directory',
    grants: { admin: 'any' },
  },
  'person:read': {
    description: "See the people of one's own organisation and their roles",
    personalData: true,
    grants: { ...everyRole(['owner']), auditor: 'any' },
  },
  'person:enrol': {
    description: 'Enrol a person in one’s own organisation',
    grants: { admin: ['owner'] },
  },
  'person:change-roles': {
    description: 'Change the roles of a person of one’s own organisation',
    grants: { admin: ['owner'] },
  },
  'person:erase': {
    description: 'Erase the personal data of a person of one’s own organisation',
    grants: { admin: ['owner'] },
  },
  'threat:register': {
    description: 'Register a threat on the SOC master list for one’s own organisation',
    grants: { analyst: ['owner'], lro: ['owner'] },
  },
  'threat:read': {
    description: 'See a threat, its assessments and the plan’s summary',
    grants: {
      ...everyRole(['owner', 'party', 'shared']),
      'rocta-moderator': 'any',
      auditor: 'any',
    },
  },
  'threat:update': {
    description: 'Change a threat’s tier, phase, LRO, or close it',
    grants: { analyst: ['owner', 'party'], lro: ['owner', 'party'] },
  },
  'assessment:record': {
    description: 'Record a MoRiLE assessment of a threat',
    grants: { analyst: ['owner', 'party'], lro: ['owner', 'party'] },
  },
  'assessment:moderate': {
    description: 'Moderate or return an assessment (the ROCU’s regional threat assessment team)',
    grants: { 'rocta-moderator': 'any' },
  },
  'plan:read': {
    description: 'See the plan on a page, with the people involved',
    personalData: true,
    grants: { ...everyRole(['owner', 'party', 'shared']), auditor: 'any' },
  },
  'plan:update': {
    description: 'Edit the plan on a page: narrative, review, people involved, sharing',
    grants: { analyst: ['owner', 'party'], lro: ['owner', 'party'] },
  },
  'action:propose': {
    description: 'Propose a 4P action on a plan',
    grants: { analyst: ['owner', 'party'], lro: ['owner', 'party'] },
  },
  'action:update': {
    description:
      'Agree, start, complete, cancel an action or post progress: the plan’s owner, or the organisation owning the action',
    grants: {
      analyst: ['owner', 'party'],
      lro: ['owner', 'party'],
      'partner-officer': ['owner'],
    },
  },
  'threat-count:read': {
    description: 'Counts of threats per organisation under the regional counting rule',
    grants: everyRole('any'),
  },
  'lro-view:read': {
    description: 'The LRO’s own plans ("my plans")',
    grants: { lro: 'any' },
  },
  'meeting:schedule': {
    description: 'Schedule a partnership meeting chaired by one’s own organisation',
    grants: { 'meeting-chair': ['owner'] },
  },
  'meeting:chair': {
    description:
      'Run a meeting of one’s own organisation: invitations, agenda and its publication, attendance, intelligence, decisions, actions and their due-date requests, minutes',
    grants: { 'meeting-chair': ['owner'] },
  },
  'partner-action:update': {
    description:
      'Post progress on an action a meeting agreed, complete or close it, or ask for a new due date: its lead organisation only',
    grants: { 'partner-officer': ['owner'], lro: ['owner'], analyst: ['owner'] },
  },
  'partner-action-view:read': {
    description:
      'The actions one’s own organisation leads or supports, across every meeting ("my organisation’s actions")',
    grants: { 'partner-officer': 'any', lro: 'any', analyst: 'any' },
  },
  'meeting:read': {
    description: 'See a meeting one’s organisation chairs or is invited to',
    grants: { ...everyRole(['owner', 'party']), auditor: 'any' },
  },
  'meeting-pack:read': {
    description:
      'The meeting pack of a meeting one’s organisation chairs or is invited to: agenda, the intelligence it may receive, decisions, actions, the previous meeting’s incomplete actions, attendance',
    grants: {
      'meeting-chair': ['owner', 'party'],
      'partner-officer': ['owner', 'party'],
      lro: ['owner', 'party'],
      analyst: ['owner', 'party'],
      'safeguarding-officer': ['owner', 'party'],
      auditor: 'any',
    },
  },
  'referral:raise': {
    description:
      'Raise a safeguarding referral from one’s own organisation to the organisation that must act',
    grants: { 'safeguarding-officer': ['owner'] },
  },
  'referral:respond': {
    description:
      'Acknowledge, accept, decline or close a referral made to one’s own organisation: the receiving organisation only',
    grants: { 'safeguarding-officer': ['party'] },
  },
  'referral:withdraw': {
    description: 'Withdraw a referral one’s own organisation made: the referring organisation only',
    grants: { 'safeguarding-officer': ['owner'] },
  },
  'referral:note': {
    description: 'Add a note to a referral one’s own organisation made or received',
    grants: { 'safeguarding-officer': ['owner', 'party'] },
  },
  'referral:read': {
    description:
      'See a referral’s status, concerns, urgency and dates, never whom it is about: the referring and receiving organisations, the organisations holding its threat',
    grants: {
      'safeguarding-officer': ['owner', 'party'],
      lro: ['owner', 'party', 'shared'],
      analyst: ['owner', 'party', 'shared'],
      auditor: 'any',
    },
  },
  'referral-subject:read': {
    description:
      'Read whom a referral is about and what was recorded of them: safeguarding officers of the referring and receiving organisations, and auditors',
    personalData: true,
    grants: { 'safeguarding-officer': ['owner', 'party'], auditor: 'any' },
  },
  'referral:erase': {
    description:
      'Erase whom a referral one’s own organisation made is about, at the end of retention (crypto-shredding): the referring organisation’s admin',
    grants: { admin: ['owner'] },
  },
  'referral:restrict': {
    description:
      'Restrict a referral’s personal data instead of erasing it (DPA 2018, s. 47), or lift the restriction: the admin of the referring or the receiving organisation',
    grants: { admin: ['owner', 'party'] },
  },
  'referral-restricted-subject:read': {
    description:
      'Read whom a referral is about while its personal data is restricted: auditors only, stating a purpose',
    personalData: true,
    grants: { auditor: 'any' },
  },
  'referral-list:read': {
    description:
      'The referrals one’s own organisation received (inbox) or made (sent), and their counts by status, without personal data',
    grants: { 'safeguarding-officer': 'any', auditor: 'any' },
  },
  'threat-referrals:read': {
    description:
      'The referrals linked to a threat, without personal data: those one’s own organisation made, received or whose threat it holds',
    grants: { 'safeguarding-officer': 'any', lro: 'any', analyst: 'any', auditor: 'any' },
  },
  'access-log:read': {
    description: 'Read the personal-data access log',
    grants: { auditor: 'any' },
  },
} as const satisfies Record<string, PermissionRule>;

export type Permission = keyof typeof PERMISSIONS;

export const isPermission = (value: unknown): value is Permission =>
  typeof value === 'string' && Object.hasOwn(PERMISSIONS, value);

/** Whether using the permission discloses personal data (a purpose is stated, the read logged). */
export const disclosesPersonalData = (permission: Permission): boolean =>
  (PERMISSIONS[permission] as PermissionRule).personalData === true;
