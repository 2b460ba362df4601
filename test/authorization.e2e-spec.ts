import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { RequestMethod } from '@nestjs/common';
import { METHOD_METADATA, PATH_METADATA } from '@nestjs/common/constants.js';
import { DiscoveryService, MetadataScanner, ModulesContainer, Reflector } from '@nestjs/core';
import { PUBLIC_ROUTE } from '@soc/platform';
import {
  decide,
  isPermission,
  type Permission,
  type Relation,
  type ResourceDescriptor,
  type Role,
  ROLES,
  ROUTE_PERMISSION,
} from '@soc/security';
import type { Response } from 'supertest';
import { principal, startTestApp, type TestApp } from './support/test-app.js';

/**
 * The authorisation matrix, generated from the routes the running application really has: each
 * route, as each role, on a record of the caller's own organisation (owner) and of another (none),
 * must answer exactly as `decide` says. A route without a case here fails the test by name.
 */

interface DiscoveredRoute {
  readonly key: string;
  readonly isPublic: boolean;
  readonly permission: Permission | undefined;
  readonly rawPermission: unknown;
}

type HttpVerb = 'get' | 'post' | 'put' | 'patch' | 'delete';

interface CaseContext {
  /** The organisation whose record is targeted: the caller's own (owner) or another (none). */
  readonly organisationId: string;
  /** A person enrolled in that organisation in `beforeAll`. */
  readonly personId: string;
  /** A slug no record uses yet. */
  readonly fresh: string;
  /** The global position every record set up in `beforeAll` has reached. */
  readonly minPosition: number;
  /** Enrols a new person in the target organisation (as its admin) and returns the id. */
  enrolFresh(): Promise<string>;
  /** The caller's own organisation (for routes whose answer depends on the role alone). */
  readonly callerOrganisationId: string;
  /** A threat of the target organisation, set up in `beforeAll` (assessed, with a plan). */
  readonly threatId: string;
  /** Fresh records on a plan of the target organisation, made by its analyst. */
  freshThreat(): Promise<string>;
  freshAssessment(): Promise<string>;
  freshInvolvement(): Promise<string>;
  freshAction(status: 'proposed' | 'agreed'): Promise<string>;
  freshShare(): Promise<string>;
  /** A meeting chaired by the target organisation, scheduled (or also finalised) by its chair. */
  freshMeeting(finalised?: boolean): Promise<string>;
  /** Such a meeting with a threat on its agenda. */
  freshAgenda(): Promise<{ meetingId: string; threatId: string }>;
  /** Such a meeting, and the position its scheduling reached (for reads of it). */
  scheduledMeeting(): Promise<{ meetingId: string; minPosition: number }>;
  /** An action led by the target organisation, agreed at such a meeting. */
  freshPartnerAction(): Promise<string>;
  /** A new due date its lead asked for on such an action. */
  freshDueDateRequest(): Promise<{ actionId: string; requestId: string }>;
  /**
   * A referral the target organisation made (`side` referrer) to a third organisation, or one a
   * third organisation made to it (`side` receiver), accepted when asked; with its descriptor.
   */
  freshReferral(
    side: 'referrer' | 'receiver',
    accepted?: boolean,
  ): Promise<{ referralId: string; minPosition: number; resource: ResourceDescriptor }>;
}

interface PreparedRequest {
  readonly path: string;
  readonly query?: Record<string, string | number>;
  readonly body?: object;
  /** What the policy is asked about; by default a record owned by the target organisation. */
  readonly resource?: ResourceDescriptor;
  /** A Server-Sent Events route: an answer that opens the stream is taken, then closed. */
  readonly stream?: true;
}

interface Case {
  prepare(ctx: CaseContext): PreparedRequest | Promise<PreparedRequest>;
}

/** How to call each non-public route, keyed `'METHOD /path/:param'` as Nest declares it. */
const CASES: Record<string, Case> = {
  'GET /directory/organisations': {
    prepare: (ctx) => ({
      path: '/directory/organisations',
      query: { minPosition: ctx.minPosition },
    }),
  },
  'GET /directory/organisations/:organisationId': {
    prepare: (ctx) => ({
      path: `/directory/organisations/${ctx.organisationId}`,
      query: { minPosition: ctx.minPosition },
    }),
  },
  'POST /directory/organisations': {
    // A new organisation is nobody's record yet; the grant does not depend on the relation.
    prepare: (ctx) => ({
      path: '/directory/organisations',
      body: { organisationId: `org-${ctx.fresh}`, name: 'Fresh Organisation', kind: 'rocu' },
      resource: { ownerOrganisationId: `org-${ctx.fresh}` },
    }),
  },
  'POST /directory/organisations/:organisationId/people': {
    prepare: (ctx) => ({
      path: `/directory/organisations/${ctx.organisationId}/people`,
      body: { personId: `p-${ctx.fresh}`, displayName: 'Fresh Person', roles: ['analyst'] },
    }),
  },
  'PUT /directory/people/:personId/roles': {
    prepare: (ctx) => ({
      path: `/directory/people/${ctx.personId}/roles`,
      body: { roles: ['analyst', 'lro'] },
    }),
  },
  'POST /directory/people/:personId/erasure': {
    prepare: async (ctx) => ({
      path: `/directory/people/${await ctx.enrolFresh()}/erasure`,
      body: { reason: 'authorisation matrix test' },
    }),
  },
  'GET /directory/organisations/:organisationId/people': {
    prepare: (ctx) => ({
      path: `/directory/organisations/${ctx.organisationId}/people`,
      query: { minPosition: ctx.minPosition },
    }),
  },
  'GET /directory/people/:personId': {
    prepare: (ctx) => ({
      path: `/directory/people/${ctx.personId}`,
      query: { minPosition: ctx.minPosition },
    }),
  },
  'GET /audit/personal-data-access': {
    prepare: (ctx) => ({
      path: '/audit/personal-data-access',
      query: { subject: `person:${ctx.personId}` },
    }),
  },
  'POST /threats': {
    prepare: (ctx) => ({ path: '/threats', body: threatBody(ctx.organisationId) }),
  },
  'GET /threats': {
    // A list: rows are filtered by the caller's scope, the route itself by role.
    prepare: (ctx) => ({
      path: '/threats',
      query: { minPosition: ctx.minPosition },
      resource: { ownerOrganisationId: ctx.callerOrganisationId },
    }),
  },
  'GET /threats/counts': {
    prepare: (ctx) => ({ path: '/threats/counts', query: { minPosition: ctx.minPosition } }),
  },
  'GET /views/my-plans': {
    prepare: (ctx) => ({ path: '/views/my-plans', query: { minPosition: ctx.minPosition } }),
  },
  'GET /views/my-actions': {
    prepare: (ctx) => ({ path: '/views/my-actions', query: { minPosition: ctx.minPosition } }),
  },
  'POST /views/my-actions/calendar-token': {
    prepare: () => ({ path: '/views/my-actions/calendar-token' }),
  },
  'DELETE /views/my-actions/calendar-token': {
    prepare: () => ({ path: '/views/my-actions/calendar-token' }),
  },
  'GET /views/my-actions/digest': {
    prepare: (ctx) => ({
      path: '/views/my-actions/digest',
      query: { minPosition: ctx.minPosition },
    }),
  },
  'GET /meetings/:meetingId/pack': {
    prepare: async (ctx) => {
      const { meetingId, minPosition } = await ctx.scheduledMeeting();
      return { path: `/meetings/${meetingId}/pack`, query: { minPosition } };
    },
  },
  'GET /meetings/:meetingId/events': {
    prepare: async (ctx) => {
      const { meetingId, minPosition } = await ctx.scheduledMeeting();
      return { path: `/meetings/${meetingId}/events`, query: { minPosition }, stream: true };
    },
  },
  'GET /threats/:threatId': {
    prepare: (ctx) => ({
      path: `/threats/${ctx.threatId}`,
      query: { minPosition: ctx.minPosition },
    }),
  },
  'GET /threats/:threatId/plan': {
    prepare: (ctx) => ({
      path: `/threats/${ctx.threatId}/plan`,
      query: { minPosition: ctx.minPosition },
    }),
  },
  'GET /threats/:threatId/plan.html': {
    prepare: (ctx) => ({
      path: `/threats/${ctx.threatId}/plan.html`,
      query: { minPosition: ctx.minPosition },
    }),
  },
  'POST /threats/:threatId/tier': {
    prepare: (ctx) => ({
      path: `/threats/${ctx.threatId}/tier`,
      body: { tier: 3, reason: 'matrix' },
    }),
  },
  'POST /threats/:threatId/phase': {
    prepare: (ctx) => ({ path: `/threats/${ctx.threatId}/phase`, body: { phase: 'active' } }),
  },
  'POST /threats/:threatId/lro': {
    prepare: (ctx) => ({
      path: `/threats/${ctx.threatId}/lro`,
      body: { lro: { personId: ctx.personId, organisationId: ctx.organisationId }, sro: null },
    }),
  },
  'POST /threats/:threatId/closure': {
    prepare: async (ctx) => ({
      path: `/threats/${await ctx.freshThreat()}/closure`,
      body: { reason: 'authorisation matrix test' },
    }),
  },
  'POST /threats/:threatId/assessments': {
    prepare: (ctx) => ({ path: `/threats/${ctx.threatId}/assessments`, body: assessmentBody() }),
  },
  'POST /threats/:threatId/assessments/:assessmentId/moderation': {
    prepare: async (ctx) => ({
      path: `/threats/${ctx.threatId}/assessments/${await ctx.freshAssessment()}/moderation`,
      body: { decision: 'moderated', note: 'matrix' },
    }),
  },
  'PUT /threats/:threatId/plan': {
    prepare: (ctx) => ({ path: `/threats/${ctx.threatId}/plan`, body: planBody() }),
  },
  'POST /threats/:threatId/plan/reviews': {
    prepare: (ctx) => ({
      path: `/threats/${ctx.threatId}/plan/reviews`,
      body: { nextReviewDate: daysFromNow(30), note: 'matrix' },
    }),
  },
  'POST /threats/:threatId/plan/shares': {
    prepare: (ctx) => ({
      path: `/threats/${ctx.threatId}/plan/shares`,
      body: { organisationIds: [`partner-${ctx.fresh}`] },
    }),
  },
  'DELETE /threats/:threatId/plan/shares/:organisationId': {
    prepare: async (ctx) => ({
      path: `/threats/${ctx.threatId}/plan/shares/${await ctx.freshShare()}`,
    }),
  },
  'POST /threats/:threatId/plan/people': {
    prepare: (ctx) => ({
      path: `/threats/${ctx.threatId}/plan/people`,
      body: { name: 'Matrix Subject', role: 'associate' },
    }),
  },
  'POST /threats/:threatId/plan/people/:involvementId/removal': {
    prepare: async (ctx) => ({
      path: `/threats/${ctx.threatId}/plan/people/${await ctx.freshInvolvement()}/removal`,
      body: { reason: 'authorisation matrix test' },
    }),
  },
  'POST /threats/:threatId/actions': {
    prepare: (ctx) => ({
      path: `/threats/${ctx.threatId}/actions`,
      body: actionBody(ctx.organisationId, ctx.personId),
    }),
  },
  'POST /threats/:threatId/actions/:actionId/agreement': {
    prepare: async (ctx) => ({
      path: `/threats/${ctx.threatId}/actions/${await ctx.freshAction('proposed')}/agreement`,
    }),
  },
  'POST /threats/:threatId/actions/:actionId/start': {
    prepare: async (ctx) => ({
      path: `/threats/${ctx.threatId}/actions/${await ctx.freshAction('agreed')}/start`,
    }),
  },
  'POST /threats/:threatId/actions/:actionId/completion': {
    prepare: async (ctx) => ({
      path: `/threats/${ctx.threatId}/actions/${await ctx.freshAction('agreed')}/completion`,
      body: { outcome: 'matrix' },
    }),
  },
  'POST /threats/:threatId/actions/:actionId/cancellation': {
    prepare: async (ctx) => ({
      path: `/threats/${ctx.threatId}/actions/${await ctx.freshAction('proposed')}/cancellation`,
      body: { reason: 'authorisation matrix test' },
    }),
  },
  'POST /threats/:threatId/actions/:actionId/progress': {
    prepare: async (ctx) => ({
      path: `/threats/${ctx.threatId}/actions/${await ctx.freshAction('proposed')}/progress`,
      body: { note: 'matrix' },
    }),
  },
  'POST /meetings': {
    prepare: (ctx) => ({ path: '/meetings', body: meetingBody(ctx.organisationId, ctx.personId) }),
  },
  'POST /meetings/:meetingId/invitations': {
    prepare: async (ctx) => ({
      path: `/meetings/${await ctx.freshMeeting()}/invitations`,
      body: { organisationIds: [`partner-${ctx.fresh}`] },
    }),
  },
  'POST /meetings/:meetingId/attendance': {
    prepare: async (ctx) => ({
      path: `/meetings/${await ctx.freshMeeting()}/attendance`,
      body: {
        organisationId: ctx.organisationId,
        personId: ctx.personId,
        attendance: 'present',
        acceptedConfidentiality: true,
      },
    }),
  },
  'POST /meetings/:meetingId/agenda': {
    prepare: async (ctx) => ({
      path: `/meetings/${await ctx.freshMeeting()}/agenda`,
      body: { threatId: randomUUID(), ownerOrganisationId: ctx.organisationId },
    }),
  },
  'DELETE /meetings/:meetingId/agenda/:threatId': {
    prepare: async (ctx) => {
      const { meetingId, threatId } = await ctx.freshAgenda();
      return { path: `/meetings/${meetingId}/agenda/${threatId}` };
    },
  },
  'POST /meetings/:meetingId/agenda/publication': {
    prepare: async (ctx) => ({
      path: `/meetings/${(await ctx.freshAgenda()).meetingId}/agenda/publication`,
      body: {},
    }),
  },
  'POST /meetings/:meetingId/intelligence': {
    prepare: async (ctx) => {
      const { meetingId, threatId } = await ctx.freshAgenda();
      return {
        path: `/meetings/${meetingId}/intelligence`,
        body: {
          summary: 'authorisation matrix',
          threatId,
          grading: { source: 2, intelligence: 'B', handling: 'P' },
          mayGoTo: [],
          sharedBy: { personId: ctx.personId, organisationId: ctx.organisationId },
        },
      };
    },
  },
  'POST /meetings/:meetingId/decisions': {
    prepare: async (ctx) => ({
      path: `/meetings/${await ctx.freshMeeting()}/decisions`,
      body: { text: 'authorisation matrix' },
    }),
  },
  'POST /meetings/:meetingId/actions': {
    prepare: async (ctx) => {
      const { meetingId, threatId } = await ctx.freshAgenda();
      return {
        path: `/meetings/${meetingId}/actions`,
        body: partnerActionBody(threatId, ctx.organisationId, ctx.personId),
      };
    },
  },
  'POST /actions/:actionId/progress': {
    prepare: async (ctx) => ({
      path: `/actions/${await ctx.freshPartnerAction()}/progress`,
      body: { note: 'matrix' },
    }),
  },
  'POST /actions/:actionId/completion': {
    prepare: async (ctx) => ({
      path: `/actions/${await ctx.freshPartnerAction()}/completion`,
      body: { outcome: 'matrix' },
    }),
  },
  'POST /actions/:actionId/closure': {
    prepare: async (ctx) => ({
      path: `/actions/${await ctx.freshPartnerAction()}/closure`,
      body: { reason: 'circumstances-changed', explanation: 'authorisation matrix' },
    }),
  },
  'POST /actions/:actionId/due-date-requests': {
    prepare: async (ctx) => ({
      path: `/actions/${await ctx.freshPartnerAction()}/due-date-requests`,
      body: { dueDate: daysFromNow(60), reason: 'authorisation matrix' },
    }),
  },
  'POST /actions/:actionId/due-date-requests/:requestId/decision': {
    prepare: async (ctx) => {
      const { actionId, requestId } = await ctx.freshDueDateRequest();
      return {
        path: `/actions/${actionId}/due-date-requests/${requestId}/decision`,
        body: { decision: 'granted' },
      };
    },
  },
  'POST /meetings/:meetingId/minutes/finalisation': {
    prepare: async (ctx) => ({
      path: `/meetings/${await ctx.freshMeeting()}/minutes/finalisation`,
      body: { summary: 'matrix' },
    }),
  },
  'POST /meetings/:meetingId/minutes/corrections': {
    prepare: async (ctx) => ({
      path: `/meetings/${await ctx.freshMeeting(true)}/minutes/corrections`,
      body: { correction: 'authorisation matrix test' },
    }),
  },
  'POST /referrals': {
    prepare: (ctx) => ({
      path: '/referrals',
      body: referralBody(
        ctx.threatId,
        { personId: ctx.personId, organisationId: ctx.organisationId },
        `receiver-${ctx.fresh}`,
      ),
    }),
  },
  'POST /referrals/:referralId/acknowledgement': {
    prepare: async (ctx) =>
      referralCommand(await ctx.freshReferral('receiver'), 'acknowledgement', {}),
  },
  'POST /referrals/:referralId/acceptance': {
    prepare: async (ctx) => referralCommand(await ctx.freshReferral('receiver'), 'acceptance', {}),
  },
  'POST /referrals/:referralId/declination': {
    prepare: async (ctx) =>
      referralCommand(await ctx.freshReferral('receiver'), 'declination', {
        reason: 'wrong-agency',
        explanation: 'authorisation matrix',
      }),
  },
  'POST /referrals/:referralId/closure': {
    prepare: async (ctx) =>
      referralCommand(await ctx.freshReferral('receiver', true), 'closure', {
        outcome: 'successful',
        reason: 'risk-reduced',
      }),
  },
  'POST /referrals/:referralId/withdrawal': {
    prepare: async (ctx) =>
      referralCommand(await ctx.freshReferral('referrer'), 'withdrawal', {
        reason: 'duplicate',
        explanation: 'authorisation matrix',
      }),
  },
  'POST /referrals/:referralId/notes': {
    prepare: async (ctx) =>
      referralCommand(await ctx.freshReferral('referrer'), 'notes', {
        text: 'authorisation matrix',
      }),
  },
  'POST /referrals/:referralId/subject-erasure': {
    // A referral not yet over: permitted callers get the 409 of a subject kept until it is.
    prepare: async (ctx) =>
      referralCommand(await ctx.freshReferral('referrer'), 'subject-erasure', {
        reason: 'authorisation matrix',
      }),
  },
  'POST /referrals/:referralId/restriction': {
    prepare: async (ctx) =>
      referralCommand(await ctx.freshReferral('receiver'), 'restriction', {
        ground: 'kept-as-evidence',
        until: daysFromNow(30),
        explanation: 'authorisation matrix',
      }),
  },
  'POST /referrals/:referralId/restriction/lifting': {
    // Nothing restricted yet: permitted callers get the 409 of nothing to lift.
    prepare: async (ctx) =>
      referralCommand(await ctx.freshReferral('referrer'), 'restriction/lifting', {
        explanation: 'authorisation matrix',
      }),
  },
  'GET /referrals/:referralId': {
    prepare: async (ctx) => {
      const { referralId, minPosition, resource } = await ctx.freshReferral('referrer');
      return { path: `/referrals/${referralId}`, query: { minPosition }, resource };
    },
  },
  'GET /views/referrals/inbox': {
    prepare: (ctx) => ({ path: '/views/referrals/inbox', query: { minPosition: ctx.minPosition } }),
  },
  'GET /views/referrals/sent': {
    prepare: (ctx) => ({ path: '/views/referrals/sent', query: { minPosition: ctx.minPosition } }),
  },
  'GET /views/referrals/counts': {
    prepare: (ctx) => ({
      path: '/views/referrals/counts',
      query: { minPosition: ctx.minPosition },
    }),
  },
  'GET /views/referrals/threats/:threatId': {
    prepare: (ctx) => ({
      path: `/views/referrals/threats/${ctx.threatId}`,
      query: { minPosition: ctx.minPosition },
    }),
  },
};

const DAY = 24 * 3600 * 1000;
const daysFromNow = (days: number) => new Date(Date.now() + days * DAY).toISOString().slice(0, 10);

const threatBody = (organisationId: string) => ({
  ownerOrganisationId: organisationId,
  kind: 'ocg',
  codeName: 'OPERATION MATRIX',
  summary: 'A threat for the authorisation matrix',
  priorityArea: 'drug-trafficking',
  type: 'tactical',
  tier: 2,
  phase: 'active',
  soc: true,
  lro: { personId: `lro-${organisationId}`, organisationId },
  marking: 'OFFICIAL',
  signposting: false,
  openedOn: daysFromNow(-30),
  registeredOn: daysFromNow(-30),
});
const assessmentBody = () => ({
  modelVersion: 'MoRiLE 2.1',
  scores: { harm: 10, likelihood: 10, confidence: 10, capacity: 10, capability: 10 },
  outputs: { totalScore: 100, priority: 'medium', opportunity: 'low' },
  assessedOn: daysFromNow(0),
  intelligenceDate: daysFromNow(-2),
  rationale: 'matrix',
});
const planBody = () => ({
  criminalActivity: 'matrix',
  placesAffected: ['Hartlepool'],
  risks: [],
  reviewDate: daysFromNow(30),
});
const meetingBody = (organisationId: string, personId: string) => ({
  kind: 'marsoc',
  title: 'Matrix MARSOC',
  chair: { personId, organisationId },
  heldOn: daysFromNow(7),
  place: 'Middlesbrough',
  invitedOrganisationIds: [],
  confidentialityStatement: 'Shared for the purposes of this meeting only',
});
const partnerActionBody = (threatId: string, organisationId: string, personId: string) => ({
  threatId,
  category: 'protect',
  description: 'matrix',
  leadOrganisationId: organisationId,
  supportingOrganisationIds: [],
  pointOfContact: { personId, organisationId },
  dueDate: daysFromNow(30),
});
const actionBody = (organisationId: string, personId: string) => ({
  category: 'pursue',
  description: 'matrix',
  owner: { personId, organisationId },
  dueDate: daysFromNow(30),
});

const referralBody = (
  threatId: string,
  referrer: { personId: string; organisationId: string },
  receivingOrganisationId: string,
) => ({
  referrer,
  receivingOrganisationId,
  threatId,
  subject: { givenName: 'Matrix', familyName: 'Subject' },
  concerns: ['county-lines'],
  account: 'A referral for the authorisation matrix',
  urgency: 'standard',
  lawfulBasis: 'children-act-2004-s11',
});
const referralCommand = (
  referral: { referralId: string; resource: ResourceDescriptor },
  action: string,
  body: object,
): PreparedRequest => ({
  path: `/referrals/${referral.referralId}/${action}`,
  body,
  resource: referral.resource,
});

const RELATIONS_TESTED: readonly Relation[] = ['owner', 'none'];

/** A response parser that closes an event stream once it has opened, and reads any other answer. */
function closingStreams(response: Response, done: (error: Error | null, body: unknown) => void) {
  const res = response as unknown as IncomingMessage & { text?: string };
  if (res.headers['content-type']?.startsWith('text/event-stream')) {
    res.destroy();
    res.text = '(event stream opened)';
    done(null, {});
    return;
  }
  let text = '';
  res.setEncoding('utf8');
  res.on('data', (chunk: string) => (text += chunk));
  res.on('end', () => {
    res.text = text;
    done(null, text.startsWith('{') ? JSON.parse(text) : {});
  });
}

const asArray = (value: unknown): string[] =>
  value === undefined ? [''] : Array.isArray(value) ? value.map(String) : [String(value)];

const joinPath = (...parts: string[]) =>
  '/' +
  parts
    .flatMap((part) => part.split('/'))
    .filter((segment) => segment.length > 0)
    .join('/');

/** Every HTTP route of the application, from Nest's own controller and handler metadata. */
function discoverRoutes(t: TestApp): DiscoveredRoute[] {
  const discovery = new DiscoveryService(t.app.get(ModulesContainer));
  const scanner = new MetadataScanner();
  const reflector = new Reflector();
  const routes = new Map<string, DiscoveredRoute>();
  for (const wrapper of discovery.getControllers()) {
    const controller = wrapper.metatype as (new (...args: never[]) => unknown) | undefined;
    if (!controller?.prototype) continue;
    const prototype = controller.prototype as Record<string, unknown>;
    const base = asArray(Reflect.getMetadata(PATH_METADATA, controller));
    for (const name of scanner.getAllMethodNames(prototype)) {
      const handler = prototype[name];
      if (typeof handler !== 'function') continue;
      const method: unknown = Reflect.getMetadata(METHOD_METADATA, handler);
      const paths: unknown = Reflect.getMetadata(PATH_METADATA, handler);
      if (method === undefined || paths === undefined) continue;
      const targets = [handler as () => unknown, controller];
      const isPublic = reflector.getAllAndOverride<boolean>(PUBLIC_ROUTE, targets) === true;
      const rawPermission = reflector.getAllAndOverride<unknown>(ROUTE_PERMISSION, targets);
      for (const prefix of base) {
        for (const path of asArray(paths)) {
          const key = `${RequestMethod[method as RequestMethod]} ${joinPath(prefix, path)}`;
          routes.set(key, {
            key,
            isPublic,
            rawPermission,
            permission: isPermission(rawPermission) ? rawPermission : undefined,
          });
        }
      }
    }
  }
  return [...routes.values()].sort((a, b) => a.key.localeCompare(b.key));
}

describe('authorisation matrix over every route (real PostgreSQL)', () => {
  let t: TestApp;
  let routes: Map<string, DiscoveredRoute>;
  const suffix = randomUUID().slice(0, 8);
  const home = `home-${suffix}`;
  const away = `away-${suffix}`;
  /** An organisation outside the matrix, on the other side of referrals. */
  const third = `third-${suffix}`;
  const memberOf = (organisationId: string) => `member-${organisationId}`;
  const adminOf = (organisationId: string) =>
    principal(organisationId, ['admin'], `admin-${organisationId}`);
  let minPosition = 0;
  let counter = 0;
  const fresh = () => `${suffix}-${++counter}`;

  const caseKeys = Object.keys(CASES);
  const matrix: [string, Role, Relation][] = caseKeys.flatMap((key) =>
    ROLES.flatMap((role) =>
      RELATIONS_TESTED.map((relation): [string, Role, Relation] => [key, role, relation]),
    ),
  );

  const enrol = async (organisationId: string, personId: string) => {
    const { body } = await (
      await t.as(adminOf(organisationId))
    )
      .post(`/directory/organisations/${organisationId}/people`)
      .send({ personId, displayName: 'Target Person', roles: ['partner-officer'] })
      .expect(201);
    return body as { globalPosition: number };
  };

  const send = async (
    verb: HttpVerb,
    request: PreparedRequest,
    as: Awaited<ReturnType<TestApp['as']>>,
  ) => {
    let call = as[verb](request.path);
    if (request.query) call = call.query(request.query);
    if (request.body) call = call.send(request.body);
    if (request.stream) call = call.parse(closingStreams);
    return call;
  };

  const threats = new Map<string, string>();
  /** Runs a command as the analyst of an organisation and returns the answer's body. */
  const asAnalyst = async (organisationId: string, path: string, body: object = {}) => {
    const agent = await t.as(principal(organisationId, ['analyst'], `analyst-${organisationId}`));
    const { body: answer, status, text } = await agent.post(path).send(body);
    if (status >= 300) throw new Error(`set-up ${path} answered ${status} ${text}`);
    minPosition = Math.max(minPosition, (answer as { globalPosition: number }).globalPosition);
    return answer as Record<string, string>;
  };
  const registerThreat = async (organisationId: string) => {
    const { threatId } = await asAnalyst(organisationId, '/threats', threatBody(organisationId));
    await asAnalyst(organisationId, `/threats/${threatId}/assessments`, assessmentBody());
    const agent = await t.as(principal(organisationId, ['analyst'], `analyst-${organisationId}`));
    await agent.put(`/threats/${threatId}/plan`).send(planBody()).expect(200);
    return threatId;
  };

  /** Runs a command as the target organisation's chair, or as one of its partner officers. */
  const asMember = async (
    role: 'meeting-chair' | 'partner-officer' | 'safeguarding-officer',
    organisationId: string,
    path: string,
    body: object = {},
  ) => {
    const agent = await t.as(principal(organisationId, [role], memberOf(organisationId)));
    const { body: answer, status, text } = await agent.post(path).send(body);
    if (status >= 300) throw new Error(`set-up ${path} answered ${status} ${text}`);
    return answer as Record<string, string>;
  };

  const contextFor = (organisationId: string): CaseContext => {
    const threatId = threats.get(organisationId)!;
    const on = (path: string, body?: object) =>
      asAnalyst(organisationId, `/threats/${threatId}${path}`, body);
    const scheduledMeeting = async () => {
      const { meetingId, globalPosition } = await asMember(
        'meeting-chair',
        organisationId,
        '/meetings',
        meetingBody(organisationId, memberOf(organisationId)),
      );
      return { meetingId, minPosition: Number(globalPosition) };
    };
    const freshMeeting = async (finalised = false) => {
      const { meetingId } = await scheduledMeeting();
      if (finalised) {
        await asMember(
          'meeting-chair',
          organisationId,
          `/meetings/${meetingId}/minutes/finalisation`,
          {
            summary: 'matrix',
          },
        );
      }
      return meetingId;
    };
    const freshAgenda = async () => {
      const meetingId = await freshMeeting();
      const agendaThreat = randomUUID();
      await asMember('meeting-chair', organisationId, `/meetings/${meetingId}/agenda`, {
        threatId: agendaThreat,
        ownerOrganisationId: organisationId,
      });
      return { meetingId, threatId: agendaThreat };
    };
    const freshPartnerAction = async () => {
      const agenda = await freshAgenda();
      const { actionId } = await asMember(
        'meeting-chair',
        organisationId,
        `/meetings/${agenda.meetingId}/actions`,
        partnerActionBody(agenda.threatId, organisationId, memberOf(organisationId)),
      );
      return actionId;
    };
    return {
      organisationId,
      callerOrganisationId: home,
      personId: memberOf(organisationId),
      fresh: fresh(),
      minPosition,
      threatId,
      enrolFresh: async () => {
        const personId = `e-${fresh()}`;
        await enrol(organisationId, personId);
        return personId;
      },
      freshThreat: () => registerThreat(organisationId),
      freshAssessment: async () => (await on('/assessments', assessmentBody())).assessmentId,
      freshInvolvement: async () =>
        (await on('/plan/people', { name: 'Matrix Subject', role: 'associate' })).involvementId,
      freshAction: async (status) => {
        const { actionId } = await on(
          '/actions',
          actionBody(organisationId, memberOf(organisationId)),
        );
        if (status === 'agreed') await on(`/actions/${actionId}/agreement`);
        return actionId;
      },
      freshShare: async () => {
        const partner = `partner-${fresh()}`;
        await on('/plan/shares', { organisationIds: [partner] });
        return partner;
      },
      freshMeeting,
      scheduledMeeting,
      freshAgenda,
      freshPartnerAction,
      freshDueDateRequest: async () => {
        const actionId = await freshPartnerAction();
        const { requestId } = await asMember(
          'partner-officer',
          organisationId,
          `/actions/${actionId}/due-date-requests`,
          { dueDate: daysFromNow(60), reason: 'authorisation matrix' },
        );
        return { actionId, requestId };
      },
      freshReferral: async (side, accepted = false) => {
        const referrer = side === 'referrer' ? organisationId : third;
        const receiver = side === 'referrer' ? third : organisationId;
        const officer = { personId: memberOf(referrer), organisationId: referrer };
        const raised = await asMember(
          'safeguarding-officer',
          referrer,
          '/referrals',
          referralBody(threatId, officer, receiver),
        );
        const at = `/referrals/${raised.referralId}`;
        if (accepted) await asMember('safeguarding-officer', receiver, `${at}/acceptance`);
        return {
          referralId: raised.referralId,
          minPosition: Number(raised.globalPosition),
          resource: { ownerOrganisationId: referrer, partyOrganisationIds: [receiver] },
        };
      },
    };
  };

  beforeAll(async () => {
    t = await startTestApp({
      env: { RATE_LIMIT_PER_MINUTE: '1000000', RATE_LIMIT_BURST_PER_SECOND: '100000' },
    });
    routes = new Map(discoverRoutes(t).map((route) => [route.key, route]));
    const root = await t.as(adminOf(`root-${suffix}`));
    for (const organisationId of [home, away]) {
      const { body } = await root
        .post('/directory/organisations')
        .send({ organisationId, name: `Organisation ${organisationId}`, kind: 'police-force' })
        .expect(201);
      minPosition = Math.max(minPosition, (body as { globalPosition: number }).globalPosition);
      const enrolled = await enrol(organisationId, memberOf(organisationId));
      minPosition = Math.max(minPosition, enrolled.globalPosition);
      threats.set(organisationId, await registerThreat(organisationId));
    }
  });
  afterAll(() => t?.close());

  describe('the route list', () => {
    it('finds the application’s routes', () => {
      expect(routes.size).toBeGreaterThan(0);
      expect(routes.has('GET /health')).toBe(true);
    });

    it('has every route either @Public() or naming a permission of the table', () => {
      const unguarded = [...routes.values()]
        .filter((route) => !route.isPublic && route.permission === undefined)
        .map((route) => `${route.key} (permission: ${String(route.rawPermission)})`);
      expect(unguarded).toEqual([]);
    });

    it('has a case in CASES for every non-public route', () => {
      const missing = [...routes.values()]
        .filter((route) => !route.isPublic && !Object.hasOwn(CASES, route.key))
        .map((route) => `no authorisation case for ${route.key}`);
      expect(missing).toEqual([]);
    });

    it('has no case for a route that does not exist or is public', () => {
      const stale = caseKeys
        .filter((key) => !routes.has(key) || routes.get(key)?.isPublic)
        .map((key) => `case ${key} names no authorised route`);
      expect(stale).toEqual([]);
    });

    it('lists in the OpenAPI document only routes it found', async () => {
      const { body } = await t.http().get('/docs/openapi.json').expect(200);
      const documented = Object.entries(
        (body as { paths: Record<string, Record<string, unknown>> }).paths,
      ).flatMap(([path, operations]) =>
        Object.keys(operations).map(
          (method) => `${method.toUpperCase()} ${path.replace(/\{([^}]+)\}/g, ':$1')}`,
        ),
      );
      expect(documented.length).toBeGreaterThan(0);
      expect(documented.filter((key) => !routes.has(key))).toEqual([]);
    });
  });

  describe('each route, as each role, on a record of each relation', () => {
    it.each(matrix)('%s as %s on a record of relation "%s"', async (key, role, relation) => {
      const route = routes.get(key);
      if (!route || route.isPublic || !route.permission) {
        throw new Error(`${key} is not an authorised route of the application`);
      }
      const caller = principal(home, [role], `${role}-${home}`);
      const organisationId = relation === 'owner' ? home : away;
      const request = await CASES[key].prepare(contextFor(organisationId));
      const resource = request.resource ?? { ownerOrganisationId: organisationId };
      const decision = decide(caller, route.permission, resource);
      const verb = key.split(' ')[0].toLowerCase() as HttpVerb;

      const before = await t.eventCount();
      const response = await send(verb, request, await t.as(caller));
      const outcome = `${key} as ${role} (${relation}) → ${response.status} ${response.text.slice(0, 300)}`;

      if (decision.allowed) {
        expect({ outcome, allowed: response.status < 300 || response.status === 409 }).toEqual({
          outcome,
          allowed: true,
        });
      } else {
        expect({ outcome, refused: [403, 404].includes(response.status) }).toEqual({
          outcome,
          refused: true,
        });
        expect(await t.eventCount()).toBe(before);
      }
    });
  });

  describe('a token whose roles grant nothing', () => {
    it.each(caseKeys)('is refused with 403 on %s', async (key) => {
      const caller = principal(home, [], `nobody-${home}`);
      const request = await CASES[key].prepare(contextFor(home));
      const verb = key.split(' ')[0].toLowerCase() as HttpVerb;
      const before = await t.eventCount();
      const response = await send(verb, request, await t.as(caller));
      expect({ key, status: response.status }).toEqual({ key, status: 403 });
      expect(await t.eventCount()).toBe(before);
    });
  });
});
