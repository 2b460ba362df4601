import type { Command, CommandBus } from '@nestjs/cqrs';
import { type CommandResult, type EventStore, streamId } from '@soc/event-store';
import type { AccessContext } from '@soc/security';
import {
  AddPlanPerson,
  AgreeAction,
  ChangeLro,
  ChangePhase,
  ChangeTier,
  CloseThreat,
  CompleteAction,
  ModerateAssessment,
  ProposeAction,
  RecordActionProgress,
  RecordAssessment,
  RegisterThreat,
  SharePlan,
  StartAction,
  UpdatePlan,
} from '@soc/threats';
import type { SeedPerson } from './north-east-region.js';
import { SEED_PURPOSE, type SeedStep, type SeedThreat } from './north-east-threats.js';

/** One fact of the seeded history as the API takes it, and as the command handlers take it. */
export interface ThreatRequest {
  readonly method: 'post' | 'put';
  readonly path: string;
  readonly body: Record<string, unknown>;
  /** The same request as a command, acting as `access`. */
  readonly command: (access: AccessContext) => Command<unknown>;
}

type Body = Record<string, unknown>;

/**
 * The request that records a seeded step, dated by its business date (the day it happened) so
 * the history reads the same through the API as it did in the world.
 */
export function requestFor(threatId: string, step: SeedStep): ThreatRequest {
  const on = step.at.slice(0, 10);
  const threat = `/threats/${threatId}`;
  const c = step.command;
  const request = (
    path: string,
    body: Body,
    command: (access: AccessContext, body: never) => Command<unknown>,
    method: 'post' | 'put' = 'post',
  ): ThreatRequest => ({
    method,
    path,
    body,
    command: (access) => command(access, body as never),
  });
  switch (c.kind) {
    case 'register': {
      const { kind: _kind, threatKind, ...fields } = c;
      return request(
        '/threats',
        { ...fields, kind: threatKind, registeredOn: on },
        (a, b) => new RegisterThreat(a, b, {}, threatId),
      );
    }
    case 'change-tier':
      return request(
        `${threat}/tier`,
        { tier: c.tier, reason: c.reason, changedOn: on },
        (a, b) => new ChangeTier(a, threatId, b),
      );
    case 'change-phase':
      return request(
        `${threat}/phase`,
        { phase: c.phase, changedOn: on },
        (a, b) => new ChangePhase(a, threatId, b),
      );
    case 'change-lro':
      return request(
        `${threat}/lro`,
        { lro: c.lro, sro: c.sro, changedOn: on },
        (a, b) => new ChangeLro(a, threatId, b),
      );
    case 'close':
      return request(
        `${threat}/closure`,
        { reason: c.reason, closedOn: on },
        (a, b) => new CloseThreat(a, threatId, b),
      );
    case 'record-assessment': {
      const { kind: _kind, assessmentId, ...fields } = c;
      return request(
        `${threat}/assessments`,
        fields,
        (a, b) => new RecordAssessment(a, threatId, b, {}, assessmentId),
      );
    }
    case 'moderate-assessment':
    case 'return-assessment': {
      const { assessmentId } = c;
      const body =
        c.kind === 'moderate-assessment'
          ? { decision: 'moderated', note: c.note, moderatedOn: on }
          : { decision: 'returned', note: c.reason, moderatedOn: on };
      return request(
        `${threat}/assessments/${assessmentId}/moderation`,
        body,
        (a, b) => new ModerateAssessment(a, { threatId, assessmentId }, b),
      );
    }
    case 'update-plan': {
      const { kind: _kind, ...fields } = c;
      return request(
        `${threat}/plan`,
        { ...fields, updatedOn: on },
        (a, b) => new UpdatePlan(a, threatId, b),
        'put',
      );
    }
    case 'share-plan':
      return request(
        `${threat}/plan/shares`,
        { organisationIds: c.organisationIds, sharedOn: on },
        (a, b) => new SharePlan(a, threatId, b),
      );
    case 'add-person': {
      const { involvementId, subjectId } = c;
      const body = { name: c.name, role: c.role, addedOn: on };
      return request(
        `${threat}/plan/people`,
        body,
        (a, b) => new AddPlanPerson(a, threatId, b, a.purpose, {}, involvementId, subjectId),
      );
    }
    case 'propose-action': {
      const { kind: _kind, actionId, ...fields } = c;
      return request(
        `${threat}/actions`,
        { ...fields, proposedOn: on },
        (a, b) => new ProposeAction(a, threatId, b, {}, actionId),
      );
    }
    case 'agree-action':
      return request(
        `${threat}/actions/${c.actionId}/agreement`,
        { agreedOn: on },
        (a, b) => new AgreeAction(a, { threatId, actionId: c.actionId }, b),
      );
    case 'start-action':
      return request(
        `${threat}/actions/${c.actionId}/start`,
        { startedOn: on },
        (a, b) => new StartAction(a, { threatId, actionId: c.actionId }, b),
      );
    case 'record-progress':
      return request(
        `${threat}/actions/${c.actionId}/progress`,
        { note: c.note, progressOn: on },
        (a, b) => new RecordActionProgress(a, { threatId, actionId: c.actionId }, b),
      );
    case 'complete-action':
      return request(
        `${threat}/actions/${c.actionId}/completion`,
        { outcome: c.outcome, completedOn: on },
        (a, b) => new CompleteAction(a, { threatId, actionId: c.actionId }, b),
      );
  }
}

/** Who a seeded step's actor is to the policy: their organisation and roles, the seed's purpose. */
export const accessOf = (actor: SeedPerson): AccessContext => ({
  principal: {
    personId: actor.personId,
    organisationId: actor.organisationId,
    roles: [...actor.roles],
  },
  purpose: SEED_PURPOSE,
  requestId: null,
});

/** What loading one threat did: whether it was new, and how many events it appended. */
export interface SeededThreat {
  readonly registered: boolean;
  readonly events: number;
}

/**
 * Runs the steps the threat's stream does not hold yet through the command handlers, as their
 * actors, each dated by its business date: a threat already seeded appends nothing, one a
 * previous run left half-written is completed. Each step appends exactly one event.
 */
export async function seedThreat(
  commands: CommandBus,
  store: EventStore,
  threat: SeedThreat,
): Promise<SeededThreat> {
  const written = await store.currentVersion(streamId('threat', threat.threatId));
  let events = 0;
  for (const [n, step] of threat.steps.entries()) {
    if (n < written) continue;
    const { command } = requestFor(threat.threatId, step);
    const result = (await commands.execute(command(accessOf(step.actor)))) as CommandResult;
    if (result.streamVersion !== n + 1) {
      throw new Error(
        `${threat.codeName}: step ${n} (${step.command.kind}) left the stream at version ${result.streamVersion}, not ${n + 1}`,
      );
    }
    events += 1;
  }
  return { registered: written === 0 && events > 0, events };
}
