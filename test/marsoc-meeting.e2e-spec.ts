import { randomUUID } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import type { ActionCategory, Attendance, ClosureReason } from '@soc/contracts';
import { isoDate } from '@soc/platform';
import type { Role } from '@soc/security';
import type { Response } from 'supertest';
import { deliveryEnv, deliveryModes, marsocPartnership } from './support/marsoc-partnership.js';
import { listeningUrl, SseStream } from './support/sse-client.js';
import {
  type AuthenticatedAgent,
  type Caller,
  principal,
  startTestApp,
  type TestApp,
} from './support/test-app.js';

const DAY = 86_400_000;
/** A business date, in days from today. */
const day = (offset: number) => isoDate(new Date(Date.now() + offset * DAY));
const FIRST_HELD = -30;
const SECOND_HELD = 7;
const WAIT = 10_000;

type Status = 'agreed' | 'in-progress' | 'completed' | 'closed';
type Fate =
  | { kind: 'progress'; on: number }
  | { kind: 'complete'; on: number; progressOn?: number }
  | { kind: 'close'; on: number; reason: ClosureReason }
  | { kind: 'due-date'; decision: 'granted' | 'refused'; dueIn: number };

/**
 * An action the test agrees, at a meeting or (meeting null) on a threat's plan, with what later
 * happens to it, in days from today. A plan action's progress stands for its start.
 */
interface PlannedAction {
  readonly description: string;
  readonly meeting: 'first' | 'second' | null;
  readonly threat: number;
  readonly category: ActionCategory;
  readonly lead: string;
  readonly supporting: string[];
  readonly agreedIn: number;
  readonly dueIn: number;
  readonly fate: Fate | null;
  actionId: string;
}

/** The action as it should stand `at` days from today. */
function expectedOn(action: PlannedAction, at: number) {
  const { fate } = action;
  let status: Status = 'agreed';
  if (fate?.kind === 'progress' && fate.on <= at) status = 'in-progress';
  if (fate?.kind === 'complete') {
    if (fate.progressOn !== undefined && fate.progressOn <= at) status = 'in-progress';
    if (fate.on <= at) status = 'completed';
  }
  if (fate?.kind === 'close' && fate.on <= at) status = 'closed';
  // Due dates are asked for and answered today.
  const dueIn =
    fate?.kind === 'due-date' && fate.decision === 'granted' && at >= 0 ? fate.dueIn : action.dueIn;
  return { status, dueDate: day(dueIn), overdue: isIncomplete(status) && dueIn < at };
}

const isIncomplete = (status: Status) => status === 'agreed' || status === 'in-progress';

const byOverdueThenDue = (at: number) => (a: PlannedAction, b: PlannedAction) => {
  const [x, y] = [expectedOn(a, at), expectedOn(b, at)];
  return (
    Number(y.overdue) - Number(x.overdue) ||
    x.dueDate.localeCompare(y.dueDate) ||
    a.agreedIn - b.agreedIn ||
    a.actionId.localeCompare(b.actionId)
  );
};

function countsOn(actions: PlannedAction[], at: number) {
  const states = actions.map((a) => ({ ...expectedOn(a, at), a }));
  const count = (test: (s: (typeof states)[number]) => boolean) => states.filter(test).length;
  const closed = (reason: ClosureReason) =>
    count((s) => s.status === 'closed' && s.a.fate?.kind === 'close' && s.a.fate.reason === reason);
  return {
    overdue: count((s) => s.overdue),
    incomplete: count((s) => isIncomplete(s.status)),
    completed: count((s) => s.status === 'completed'),
    closedCircumstancesChanged: closed('circumstances-changed'),
    closedAgencyDidNotAct: closed('agency-did-not-act'),
  };
}

interface ActionView {
  actionId: string;
  leadOrganisationId: string;
  supportingOrganisationIds: string[];
  status: Status;
  dueDate: string;
  overdue: boolean;
}
interface MyActionView extends ActionView {
  kind: string;
  role: string;
  meeting: { meetingId: string } | null;
  plan: { codeName: string } | null;
}
interface ActionsView {
  counts: Record<string, number>;
  byLeadOrganisation: {
    organisationId: string;
    counts: Record<string, number>;
    actions: ActionView[];
  }[];
}
interface LiveMessage {
  type: string;
  actionId?: string;
  action?: ActionView;
  intelligence?: { itemId: string };
  details?: Record<string, unknown>;
}

const actionState = ({ actionId, status, dueDate, overdue }: ActionView) => ({
  actionId,
  status,
  dueDate,
  overdue,
});

/** What a pack's actions section should be for `actions`, on `at` days from today. */
function expectedGroups(actions: PlannedAction[], at: number) {
  const leads = [...new Set(actions.map((a) => a.lead))].sort();
  return {
    counts: countsOn(actions, at),
    byLeadOrganisation: leads.map((organisationId) => {
      const own = actions.filter((a) => a.lead === organisationId).sort(byOverdueThenDue(at));
      return {
        organisationId,
        counts: countsOn(own, at),
        actions: own.map((a) => ({ actionId: a.actionId, ...expectedOn(a, at) })),
      };
    }),
  };
}

const groupsOf = (view: ActionsView) => ({
  counts: view.counts,
  byLeadOrganisation: view.byLeadOrganisation.map((g) => ({
    organisationId: g.organisationId,
    counts: g.counts,
    actions: g.actions.map(actionState),
  })),
});

/** Every message key a live stream received: the action or item it is about, and its type. */
const liveKeys = (stream: SseStream) =>
  stream
    .json<LiveMessage>()
    .flatMap((m) =>
      m.actionId
        ? [`${m.type} ${m.actionId}`]
        : m.intelligence
          ? [`${m.type} ${m.intelligence.itemId}`]
          : [],
    );

/**
 * A Cleveland MARSOC of 30 organisations, over real HTTP on real PostgreSQL (and a real Kafka
 * broker in the second run): the directory enrols them, the threats context holds four threats
 * with their plans on a page, the meeting takes attendance, shares intelligence (two items with
 * handling code C), agrees 40 actions that the partners then update, and each organisation's
 * pack, view of its own actions and live stream show it what it may see and no more.
 */
describe.each(deliveryModes)('a MARSOC meeting of 30 organisations (%s)', (mode) => {
  const run = randomUUID().slice(0, 6);
  const { chair, police, partners, all } = marsocPartnership(run);
  const [durham, northumbria, nerocu] = police;
  const [council, childrens, housing, hmrc] = partners;
  const orgIds = all.map((o) => o.organisationId);
  const chairOrg = chair.organisationId;
  const chairRef = { personId: `chair-${chairOrg}`, organisationId: chairOrg };
  const officerRef = (organisationId: string) => ({
    personId: `officer-${organisationId}`,
    organisationId,
  });
  const caller = (organisationId: string, role: Role, personId?: string): Caller =>
    principal(organisationId, [role], personId ?? `${role}-${organisationId}`);

  let t: TestApp;
  let baseUrl = '';
  let position = 0;
  let chairAs: AuthenticatedAgent;
  const officers = new Map<string, AuthenticatedAgent>();
  const meetings = { first: '', second: '' };
  const threats: { threatId: string; owner: string; codeName: string; seenBy: string[] }[] = [];
  const items = { open: '', conditional: '', revenue: '' };
  const itemSeenBy: Record<keyof typeof items, string[]> = {
    open: orgIds,
    conditional: [
      chairOrg,
      durham.organisationId,
      council.organisationId,
      childrens.organisationId,
      housing.organisationId,
    ],
    revenue: [chairOrg, hmrc.organisationId],
  };
  const CONDITIONS = 'Named safeguarding leads only; not to be used in evidence';
  const streams = new Map<string, SseStream>();
  const attendance = new Map<string, Attendance>();

  /** 20 lead organisations, two actions each: 15 partners, the four police bodies, the chair. */
  const leads = [...partners.slice(0, 15), ...police, chair].map((o) => o.organisationId);
  const DUE_IN = [-20, -12, -6, -2, 5, 14, 30];
  const FATES: Record<number, Fate> = {
    0: { kind: 'complete', progressOn: -25, on: -15 },
    1: { kind: 'progress', on: -9 },
    2: { kind: 'complete', on: -4 },
    3: { kind: 'due-date', decision: 'granted', dueIn: 21 },
    4: { kind: 'progress', on: -3 },
    7: { kind: 'complete', on: 0 },
    9: { kind: 'progress', on: -1 },
    10: { kind: 'due-date', decision: 'refused', dueIn: 10 },
    11: { kind: 'complete', on: -2 },
    12: { kind: 'progress', on: 0 },
    14: { kind: 'close', on: -8, reason: 'circumstances-changed' },
    15: { kind: 'close', on: -1, reason: 'agency-did-not-act' },
    16: { kind: 'complete', on: -3 },
    22: { kind: 'progress', on: -10 },
  };
  const CATEGORIES: ActionCategory[] = ['pursue', 'prevent', 'protect', 'prepare'];
  const planned: PlannedAction[] = Array.from({ length: 40 }, (_, i) => ({
    description: `Action ${i + 1} of the January MARSOC`,
    meeting: 'first',
    threat: i % 3,
    category: CATEGORIES[i % 4],
    lead: leads[i % 20],
    supporting: i % 4 === 1 ? [partners[((i % 20) + 7) % 25].organisationId] : [],
    agreedIn: FIRST_HELD,
    dueIn: DUE_IN[i % 7],
    fate: FATES[i] ?? null,
    actionId: '',
  }));
  const secondMeetingActions: PlannedAction[] = [
    { lead: council.organisationId, supporting: [], dueIn: 14 },
    { lead: hmrc.organisationId, supporting: [council.organisationId], dueIn: 30 },
  ].map((a, i) => ({
    ...a,
    description: `Action ${i + 1} of the February MARSOC`,
    meeting: 'second',
    threat: 0,
    category: 'pursue',
    agreedIn: 0,
    fate: null,
    actionId: '',
  }));
  /** 4P actions of the threats' own plans, agreed on them today: KESTREL, HERON, MERLIN. */
  const planActions: PlannedAction[] = [
    { threat: 0, lead: council.organisationId, dueIn: -3, fate: null },
    { threat: 0, lead: council.organisationId, dueIn: 12, fate: { kind: 'progress', on: 0 } },
    { threat: 0, lead: housing.organisationId, dueIn: 5, fate: null },
    { threat: 1, lead: hmrc.organisationId, dueIn: 8, fate: null },
    { threat: 1, lead: durham.organisationId, dueIn: -1, fate: { kind: 'complete', on: 0 } },
    // OFFICIAL-SENSITIVE: HMRC sees nothing of the threat but the action it owns.
    { threat: 3, lead: hmrc.organisationId, dueIn: -5, fate: null },
  ].map((a, i) => ({
    ...a,
    fate: a.fate as Fate | null,
    description: `Plan action ${i + 1}`,
    meeting: null,
    category: 'prevent' as const,
    supporting: [],
    agreedIn: 0,
    actionId: '',
  }));
  const involves = (organisationId: string) => (a: PlannedAction) =>
    a.lead === organisationId || a.supporting.includes(organisationId);
  const visibleTo = (organisationId: string, actions = planned) =>
    organisationId === chairOrg ? actions : actions.filter(involves(organisationId));

  const reached = (answer: Response) => {
    position = Math.max(position, answer.body.globalPosition ?? 0);
    return answer.body as Record<string, string>;
  };
  /**
   * A write that must succeed (with `status` when given); its position is kept for the reads
   * that follow.
   */
  const send = async (
    agent: AuthenticatedAgent,
    method: 'post' | 'put',
    path: string,
    body: object,
    status?: number,
  ) => {
    const answer = await agent[method](path).send(body);
    const ok = status === undefined ? answer.status < 300 : answer.status === status;
    if (!ok) throw new Error(`${method} ${path} answered ${answer.status} ${answer.text}`);
    return reached(answer);
  };
  const post = (agent: AuthenticatedAgent, path: string, body: object = {}, status?: number) =>
    send(agent, 'post', path, body, status);
  const read = async (agent: AuthenticatedAgent, path: string, query: object = {}) =>
    (
      await agent
        .get(path)
        .query({ minPosition: position, waitMs: 20_000, ...query })
        .expect(200)
    ).body;
  const officer = (organisationId: string) => officers.get(organisationId)!;
  const agentOf = (organisationId: string) =>
    organisationId === chairOrg ? chairAs : officer(organisationId);
  const chairPost = (path: string, body: object = {}) =>
    post(chairAs, `/meetings/${meetings.first}${path}`, body);

  const schedule = async (title: string, heldIn: number, invited: string[], more: object = {}) =>
    (
      await post(chairAs, '/meetings', {
        kind: 'marsoc',
        title,
        chair: chairRef,
        heldOn: day(heldIn),
        place: 'Middlesbrough, Ladgate Lane',
        invitedOrganisationIds: invited,
        confidentialityStatement: 'Shared for the purposes of this meeting only',
        ...more,
      })
    ).meetingId;
  const agree = async (meetingId: string, action: PlannedAction) => {
    ({ actionId: action.actionId } = await post(chairAs, `/meetings/${meetingId}/actions`, {
      threatId: threats[action.threat].threatId,
      category: action.category,
      description: action.description,
      leadOrganisationId: action.lead,
      supportingOrganisationIds: action.supporting,
      pointOfContact: action.lead === chairOrg ? chairRef : officerRef(action.lead),
      dueDate: day(action.dueIn),
    }));
  };
  /** The pack of the meeting as each of the 30 organisations receives it. */
  const packsOf = (meetingId: string) =>
    Promise.all(
      orgIds.map(async (organisationId) => ({
        organisationId,
        body: await read(agentOf(organisationId), `/meetings/${meetingId}/pack`),
      })),
    );
  const directoryOrganisations = async () => {
    const directory: { organisationId: string; kind: string; people: number }[] = await read(
      chairAs,
      '/directory/organisations',
    );
    return directory.filter((o) => o.organisationId.endsWith(`-${run}`));
  };

  beforeAll(async () => {
    t = await startTestApp({
      env: {
        ...deliveryEnv(mode, `marsoc-${run}`),
        RATE_LIMIT_PER_MINUTE: '100000',
        RATE_LIMIT_BURST_PER_SECOND: '10000',
      },
    });
    baseUrl = await listeningUrl(t.app);
    chairAs = await t.as(caller(chairOrg, 'meeting-chair', chairRef.personId));
    await Promise.all(
      orgIds.map(async (id) =>
        officers.set(id, await t.as(caller(id, 'partner-officer', officerRef(id).personId))),
      ),
    );
  });
  afterAll(async () => {
    for (const stream of streams.values()) stream.close();
    await t?.close();
  });

  it('enrols the 30 organisations and a point of contact in each through the directory', async () => {
    const registrar = await t.as(caller(chairOrg, 'admin'));
    await Promise.all(all.map((o) => post(registrar, '/directory/organisations', o, 201)));
    await Promise.all(
      all.map(async ({ organisationId }) => {
        const admin = await t.as(caller(organisationId, 'admin'), 'enrolling MARSOC contacts');
        const roles = organisationId === chairOrg ? ['meeting-chair'] : ['partner-officer'];
        const { personId } = organisationId === chairOrg ? chairRef : officerRef(organisationId);
        await post(
          admin,
          `/directory/organisations/${organisationId}/people`,
          { personId, displayName: `Contact at ${organisationId}`, roles },
          201,
        );
      }),
    );
    const ours = await directoryOrganisations();
    expect(ours.map((o) => o.organisationId).sort()).toEqual([...orgIds].sort());
    expect(ours.filter((o) => o.kind === 'police-force' || o.kind === 'rocu')).toHaveLength(4);
  });

  it('counts the one contact enrolled in each organisation in the directory', async () => {
    const ours = await directoryOrganisations();
    expect(ours.filter((o) => o.people !== 1).map((o) => [o.organisationId, o.people])).toEqual([]);
  });

  it('holds four threats with plans on a page, shared with some partners', async () => {
    const register = async (
      owner: string,
      codeName: string,
      overrides: Record<string, unknown>,
      shareWith: string[],
      seenBy: string[],
    ) => {
      const analyst = await t.as(caller(owner, 'analyst'), 'preparing the MARSOC plans');
      const { threatId } = await post(analyst, '/threats', {
        ownerOrganisationId: owner,
        kind: 'ocg',
        codeName,
        summary: `${codeName}: supply and exploitation across Teesside`,
        priorityArea: 'county-lines',
        type: 'tactical',
        tier: 2,
        phase: 'active',
        soc: true,
        lro: { personId: `lro-${owner}`, organisationId: owner },
        sro: null,
        place: null,
        clearHoldBuildPhase: null,
        marking: 'OFFICIAL',
        signposting: true,
        openedOn: day(-90),
        registeredOn: day(-90),
        ...overrides,
      });
      await post(analyst, `/threats/${threatId}/assessments`, {
        modelVersion: 'MoRiLE 2.1',
        scores: { harm: 80, likelihood: 70, confidence: 60, capacity: 50, capability: 40 },
        outputs: { totalScore: 900 + threats.length, priority: 'high', opportunity: 'medium' },
        assessedOn: day(-40),
        intelligenceDate: day(-45),
        rationale: 'Recent test purchases and partner reports',
      });
      await send(analyst, 'put', `/threats/${threatId}/plan`, {
        criminalActivity: `${codeName}: street supply of class A drugs, exploitation of children`,
        placesAffected: ['Hartlepool town centre', 'Middlesbrough, Newport'],
        risks: ['Withdrawal of the task team'],
        reviewDate: day(20),
      });
      if (shareWith.length > 0) {
        await post(
          analyst,
          `/threats/${threatId}/plan/shares`,
          { organisationIds: shareWith },
          200,
        );
      }
      threats.push({ threatId, owner, codeName, seenBy });
    };
    await register(
      chairOrg,
      'OPERATION KESTREL',
      {},
      [council, childrens, housing].map((o) => o.organisationId),
      [chairOrg, council.organisationId, childrens.organisationId, housing.organisationId],
    );
    await register(
      durham.organisationId,
      'OPERATION HERON',
      { priorityArea: 'economic-crime' },
      [chairOrg, hmrc.organisationId, partners[11].organisationId],
      [durham.organisationId, chairOrg, hmrc.organisationId, partners[11].organisationId],
    );
    // Its LRO works for a partner agency, which sees it as the holder does.
    const immigration = partners[16].organisationId;
    await register(
      nerocu.organisationId,
      'OPERATION PLOVER',
      {
        kind: 'priority-individual',
        priorityArea: 'modern-slavery',
        lro: { personId: `lro-${immigration}`, organisationId: immigration },
      },
      [chairOrg],
      [nerocu.organisationId, immigration, chairOrg],
    );
    // OFFICIAL-SENSITIVE: shared with HMRC, yet shown to the holder alone.
    await register(
      chairOrg,
      'OPERATION MERLIN',
      { marking: 'OFFICIAL-SENSITIVE', priorityArea: 'firearms' },
      [hmrc.organisationId],
      [chairOrg],
    );
  });

  it('gives some partners 4P actions on the plans, started or completed by their officers', async () => {
    for (const action of planActions) {
      const { threatId, owner } = threats[action.threat];
      const analyst = await t.as(caller(owner, 'analyst'), 'adding plan actions');
      const path = `/threats/${threatId}/actions`;
      ({ actionId: action.actionId } = await post(analyst, path, {
        category: action.category,
        description: action.description,
        owner: officerRef(action.lead),
        dueDate: day(action.dueIn),
      }));
      await post(analyst, `${path}/${action.actionId}/agreement`, {}, 200);
      const byOwner = (route: string, body: object = {}) =>
        post(officer(action.lead), `${path}/${action.actionId}/${route}`, body, 200);
      if (action.fate?.kind === 'progress') await byOwner('start');
      if (action.fate?.kind === 'complete') {
        await byOwner('completion', { outcome: 'Closure order granted' });
      }
    }
  });

  it('schedules the meeting, invites all 29 others, publishes the agenda and records attendance', async () => {
    meetings.first = await schedule('Cleveland MARSOC, January', FIRST_HELD, orgIds.slice(1, 10), {
      scheduledOn: day(FIRST_HELD - 14),
    });
    await chairPost('/invitations', {
      organisationIds: orgIds.slice(10),
      invitedOn: day(FIRST_HELD - 12),
    });
    for (const threat of threats) {
      await chairPost('/agenda', {
        threatId: threat.threatId,
        ownerOrganisationId: threat.owner,
        addedOn: day(FIRST_HELD - 10),
      });
    }
    await chairPost('/agenda/publication', { publishedOn: day(FIRST_HELD - 7) });

    const before = await t.eventCount();
    const refused = await chairAs.post(`/meetings/${meetings.first}/attendance`).send({
      ...officerRef(partners[9].organisationId),
      attendance: 'present',
      acceptedConfidentiality: false,
    });
    expect(refused.status).toBe(422);
    expect(refused.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(await t.eventCount()).toBe(before);

    const OTHERWISE: Record<number, Attendance> = {
      10: 'apologies',
      11: 'apologies',
      12: 'absent',
      13: 'observer',
    };
    for (const [i, id] of orgIds.entries()) attendance.set(id, OTHERWISE[i] ?? 'present');
    for (const [organisationId, record] of attendance) {
      const { personId } = organisationId === chairOrg ? chairRef : officerRef(organisationId);
      await chairPost('/attendance', {
        organisationId,
        personId,
        attendance: record,
        acceptedConfidentiality: record !== 'absent' && record !== 'apologies',
      });
    }
  });

  it('streams to each attendee the intelligence and actions it may see, as they are agreed and updated', async () => {
    const watched = [
      chairOrg,
      council.organisationId,
      durham.organisationId,
      hmrc.organisationId,
      partners[20].organisationId,
    ];
    for (const organisationId of watched) {
      const who =
        organisationId === chairOrg
          ? caller(chairOrg, 'meeting-chair', chairRef.personId)
          : caller(organisationId, 'partner-officer', officerRef(organisationId).personId);
      const stream = await SseStream.open(
        `${baseUrl}/meetings/${meetings.first}/events?minPosition=${position}&waitMs=20000`,
        { authorization: `Bearer ${await t.tokenFor(who)}` },
      );
      expect(stream.response.status).toBe(200);
      await stream.until((s) => s.comments.includes('connected'), WAIT);
      streams.set(organisationId, stream);
    }

    const share = async (
      summary: string,
      handling: 'P' | 'C',
      mayGoTo: string[],
      sharedBy: object,
      threat = 0,
    ) =>
      (
        await chairPost('/intelligence', {
          summary,
          threatId: threats[threat].threatId,
          grading: {
            source: 2,
            intelligence: 'B',
            handling,
            conditions: handling === 'C' ? CONDITIONS : null,
          },
          mayGoTo,
          sharedBy,
        })
      ).itemId;
    items.open = await share('The line has moved to a new handset', 'P', [], chairRef);
    items.conditional = await share(
      'Two children from the Dyke House estate are running for the line',
      'C',
      [council, childrens, housing].map((o) => o.organisationId),
      officerRef(durham.organisationId),
    );
    items.revenue = await share(
      'Cash is moved through a car wash in Stockton',
      'C',
      [hmrc.organisationId],
      chairRef,
      1,
    );

    for (const action of planned) await agree(meetings.first, action);
    const agreedKeys = (organisationId: string) => [
      ...visibleTo(organisationId).map((a) => `meetings.PartnerActionAgreed ${a.actionId}`),
      ...Object.entries(items)
        .filter(([name]) => itemSeenBy[name as keyof typeof items].includes(organisationId))
        .map(([, itemId]) => `meetings.IntelligenceShared ${itemId}`),
    ];
    await Promise.all(
      watched.map((id) =>
        streams
          .get(id)!
          .until((s) => agreedKeys(id).every((key) => liveKeys(s).includes(key)), WAIT),
      ),
    );

    await Promise.all(planned.map((action) => updateAsAgreed(action)));
    const decision = await chairPost('/decisions', {
      text: 'Refer the Oxford Road address to the closure order panel',
      threatId: threats[0].threatId,
    });
    const updateKeys = (a: PlannedAction) => {
      switch (a.fate?.kind) {
        case undefined:
          return [];
        case 'progress':
          return ['meetings.PartnerActionProgressPosted'];
        case 'complete':
          return [
            ...(a.fate.progressOn === undefined ? [] : ['meetings.PartnerActionProgressPosted']),
            'meetings.PartnerActionCompleted',
          ];
        case 'close':
          return ['meetings.PartnerActionClosed'];
        case 'due-date':
          return [
            'meetings.DueDateChangeRequested',
            a.fate.decision === 'granted'
              ? 'meetings.DueDateChangeGranted'
              : 'meetings.DueDateChangeRefused',
          ];
      }
    };
    const expectedKeys = (organisationId: string) =>
      [
        ...agreedKeys(organisationId),
        ...visibleTo(organisationId).flatMap((a) =>
          updateKeys(a).map((type) => `${type} ${a.actionId}`),
        ),
      ].sort();
    const hasDecision = (s: SseStream) =>
      s.events.some((e) => e.id === String(decision.globalPosition));
    await Promise.all(
      watched.map((id) =>
        streams
          .get(id)!
          .until(
            (s) => hasDecision(s) && expectedKeys(id).every((key) => liveKeys(s).includes(key)),
            WAIT,
          ),
      ),
    );
    for (const organisationId of watched) {
      const stream = streams.get(organisationId)!;
      expect({ organisationId, keys: liveKeys(stream).sort() }).toEqual({
        organisationId,
        keys: expectedKeys(organisationId),
      });
      for (const message of stream.json<LiveMessage>().filter((m) => m.action)) {
        if (organisationId === chairOrg) continue;
        expect([
          message.action!.leadOrganisationId,
          ...message.action!.supportingOrganisationIds,
        ]).toContain(organisationId);
      }
      expect(JSON.stringify(stream.events).includes(CONDITIONS)).toBe(
        itemSeenBy.conditional.includes(organisationId) ||
          itemSeenBy.revenue.includes(organisationId),
      );
    }
    // The last message of each action is the action as it now stands.
    const chairMessages = streams.get(chairOrg)!.json<LiveMessage>();
    for (const action of planned) {
      const last = chairMessages.filter((m) => m.actionId === action.actionId).at(-1)!;
      expect(actionState(last.action!)).toEqual({
        actionId: action.actionId,
        ...expectedOn(action, 0),
      });
    }
    // A stream's count of agreed actions: its organisation's, the chair's being all 40.
    expect(liveKeys(streams.get(chairOrg)!).filter((k) => k.includes('Agreed'))).toHaveLength(40);
    expect(
      liveKeys(streams.get(partners[20].organisationId)!).filter((k) => k.includes('Agreed')),
    ).toHaveLength(visibleTo(partners[20].organisationId).length);
  });

  /** Posts what happens to an action after the meeting, as its lead organisation and the chair. */
  async function updateAsAgreed(action: PlannedAction) {
    const { fate, actionId } = action;
    const lead = agentOf(action.lead);
    const path = `/actions/${actionId}`;
    switch (fate?.kind) {
      case undefined:
        return;
      case 'progress':
        await post(
          lead,
          `${path}/progress`,
          { note: `Visit booked by ${action.lead}`, progressOn: day(fate.on) },
          200,
        );
        return;
      case 'complete':
        if (fate.progressOn !== undefined) {
          await post(
            lead,
            `${path}/progress`,
            { note: 'Warrant applied for', progressOn: day(fate.progressOn) },
            200,
          );
        }
        await post(
          lead,
          `${path}/completion`,
          { outcome: 'Done as agreed', completedOn: day(fate.on) },
          200,
        );
        return;
      case 'close':
        await post(
          lead,
          `${path}/closure`,
          { reason: fate.reason, explanation: 'Closed before it was done', closedOn: day(fate.on) },
          200,
        );
        return;
      case 'due-date': {
        const { requestId } = await post(
          lead,
          `${path}/due-date-requests`,
          { dueDate: day(fate.dueIn), reason: 'The family is away until then' },
          201,
        );
        await post(
          chairAs,
          `${path}/due-date-requests/${requestId}/decision`,
          fate.decision === 'granted'
            ? { decision: 'granted' }
            : { decision: 'refused', reason: 'It cannot wait that long' },
          200,
        );
      }
    }
  }

  it('refuses another organisation’s change to an action it does not lead, appending nothing', async () => {
    const action = planned[1];
    const supporter = action.supporting[0];
    const stranger = partners[5].organisationId;
    expect([stranger, housing.organisationId].some((id) => involves(id)(action))).toBe(false);
    const before = await t.eventCount();
    const attempts: [AuthenticatedAgent, string, object, number][] = [
      [officer(supporter), 'progress', { note: 'Not ours to post' }, 403],
      [officer(supporter), 'completion', { outcome: 'Not ours to complete' }, 403],
      [officer(stranger), 'progress', { note: 'Not ours to post' }, 403],
      [
        officer(stranger),
        'closure',
        { reason: 'agency-did-not-act', explanation: 'Not ours to close' },
        403,
      ],
      [
        officer(housing.organisationId),
        'due-date-requests',
        { dueDate: day(40), reason: 'Not ours to ask' },
        403,
      ],
      [
        chairAs,
        'closure',
        { reason: 'circumstances-changed', explanation: 'The chair does not lead it' },
        403,
      ],
    ];
    for (const [agent, route, body, status] of attempts) {
      const answer = await agent.post(`/actions/${action.actionId}/${route}`).send(body);
      expect({ route, status: answer.status }).toEqual({ route, status });
      expect(answer.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(answer.body).toMatchObject({ status });
    }
    expect(await t.eventCount()).toBe(before);
  });

  it('gives each of the 30 organisations its own pack: C items only where they may go, actions by lead organisation', async () => {
    const packs = await packsOf(meetings.first);
    for (const { organisationId, body } of packs) {
      expect(body.preparedFor).toBe(organisationId);
      expect(body.asOf).toBe(day(0));
      expect(body.invitedOrganisationIds).toEqual(orgIds);
      expect({
        organisationId,
        items: body.intelligence.map((i: { itemId: string }) => i.itemId),
      }).toEqual({
        organisationId,
        items: (Object.keys(items) as (keyof typeof items)[])
          .filter((name) => itemSeenBy[name].includes(organisationId))
          .map((name) => items[name]),
      });
      const text = JSON.stringify(body);
      for (const name of ['conditional', 'revenue'] as const) {
        if (!itemSeenBy[name].includes(organisationId)) expect(text).not.toContain(items[name]);
      }
      if (!itemSeenBy.conditional.includes(organisationId)) {
        expect(text).not.toContain('Dyke House estate');
      }
      expect({
        organisationId,
        agenda: body.agenda.map(
          (a: { threat: { codeName: string } | null }) => a.threat?.codeName ?? null,
        ),
      }).toEqual({
        organisationId,
        agenda: threats.map((x) => (x.seenBy.includes(organisationId) ? x.codeName : null)),
      });
      expect({ organisationId, actions: groupsOf(body.actions) }).toEqual({
        organisationId,
        actions: expectedGroups(visibleTo(organisationId), 0),
      });
      expect(
        body.attendance.organisations.find(
          (o: { organisationId: string }) => o.organisationId === organisationId,
        ),
      ).toMatchObject({
        record: [attendance.get(organisationId)],
      });
    }
    const chairPack = packs[0].body;
    expect(chairPack.actions.byLeadOrganisation).toHaveLength(20);
    expect(chairPack.actions.counts).toEqual({
      overdue: 17,
      incomplete: 33,
      completed: 5,
      closedCircumstancesChanged: 1,
      closedAgencyDidNotAct: 1,
    });
    expect(chairPack.publication).toMatchObject({ publishedOn: day(FIRST_HELD - 7) });
    expect(chairPack.intelligence[1]).toMatchObject({
      grading: { handling: 'C', conditions: CONDITIONS },
      sharedBy: officerRef(durham.organisationId),
      sharedOn: day(FIRST_HELD),
    });
    expect(
      packs.filter((p) => p.body.actions.byLeadOrganisation.length === 0).length,
    ).toBeGreaterThan(0);

    if (mode === 'embedded delivery' && process.env.MARSOC_PACK_OUT) {
      const councilPack = packs.find((p) => p.organisationId === council.organisationId)!.body;
      writeFileSync('/tmp/marsoc-pack.json', `${JSON.stringify(councilPack, null, 2)}\n`);
    }
  });

  it('computes overdue on the business date the pack stands on', async () => {
    for (const at of [-20, -5, -1]) {
      const body = await read(chairAs, `/meetings/${meetings.first}/pack`, { asOf: day(at) });
      expect({ at, actions: groupsOf(body.actions) }).toEqual({
        at,
        actions: expectedGroups(planned, at),
      });
    }
    // Granted today, the new due date was not in force yesterday.
    const granted = planned[3];
    const yesterday = await read(officer(granted.lead), `/meetings/${meetings.first}/pack`, {
      asOf: day(-1),
    });
    const then = yesterday.actions.byLeadOrganisation
      .flatMap((g: { actions: ActionView[] }) => g.actions)
      .find((a: ActionView) => a.actionId === granted.actionId);
    expect(then).toMatchObject({ dueDate: day(-2), overdue: true });
  });

  it('opens the next meeting’s pack with the incomplete actions of this one', async () => {
    meetings.second = await schedule('Cleveland MARSOC, February', SECOND_HELD, orgIds.slice(1));
    const second = (path: string, body: object = {}) =>
      post(chairAs, `/meetings/${meetings.second}${path}`, body);
    await second('/agenda', { threatId: threats[0].threatId, ownerOrganisationId: chairOrg });
    await second('/agenda/publication');
    for (const action of secondMeetingActions) await agree(meetings.second, action);

    const packs = await packsOf(meetings.second);
    for (const { organisationId, body } of packs) {
      const incomplete = visibleTo(organisationId).filter((a) =>
        isIncomplete(expectedOn(a, 0).status),
      );
      expect(body.previousMeeting).toMatchObject({
        meetingId: meetings.first,
        heldOn: day(FIRST_HELD),
      });
      expect({
        organisationId,
        previous: groupsOf(body.previousMeeting.incompleteActions),
      }).toEqual({
        organisationId,
        previous: expectedGroups(incomplete, 0),
      });
      expect({ organisationId, actions: groupsOf(body.actions) }).toEqual({
        organisationId,
        actions: expectedGroups(visibleTo(organisationId, secondMeetingActions), 0),
      });
      expect(body.intelligence).toEqual([]);
      expect(body.attendance.meetings.map((m: { meetingId: string }) => m.meetingId)).toEqual([
        meetings.second,
        meetings.first,
      ]);
    }
    expect(packs[0].body.previousMeeting.incompleteActions.counts.incomplete).toBe(33);
  });

  it('shows a few partners only their organisation’s actions across both meetings and the plans, overdue first', async () => {
    const everything = [...planned, ...secondMeetingActions, ...planActions];
    let planActionsSeen = 0;
    for (const organisation of [council, hmrc, durham, northumbria, partners[8]]) {
      const { organisationId } = organisation;
      const body = await read(officer(organisationId), '/views/my-actions');
      const own = everything.filter(involves(organisationId)).sort(byOverdueThenDue(0));
      expect(own.length).toBeGreaterThan(0);
      expect(body.organisationId).toBe(organisationId);
      expect(
        body.actions.map((a: MyActionView) => ({
          ...actionState(a),
          kind: a.kind,
          role: a.role,
          meetingId: a.meeting?.meetingId ?? null,
          codeName: a.plan?.codeName ?? null,
        })),
      ).toEqual(
        own.map((a) => ({
          actionId: a.actionId,
          ...expectedOn(a, 0),
          kind: a.meeting ? 'partner-action' : 'plan-action',
          role: a.lead === organisationId ? 'lead' : 'supporting',
          meetingId: a.meeting ? meetings[a.meeting] : null,
          codeName: a.meeting ? null : threats[a.threat].codeName,
        })),
      );
      expect(body.counts).toEqual(countsOn(own, 0));
      const overdue = body.actions.map((a: ActionView) => a.overdue);
      expect(overdue).toEqual([...overdue].sort((a, b) => Number(b) - Number(a)));
      planActionsSeen += body.actions.filter((a: MyActionView) => a.kind === 'plan-action').length;
    }
    // The council's two on KESTREL, HMRC's on HERON and MERLIN, Durham's completed one.
    expect(planActionsSeen).toBe(5);
  });
});
