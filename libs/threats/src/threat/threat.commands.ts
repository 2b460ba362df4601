import { Inject, Injectable } from '@nestjs/common';
import type { PersonRef } from '@soc/contracts';
import {
  type CommandResult,
  EVENT_STORE_POOL,
  EventStore,
  type LoadedStream,
  NotFoundError,
  toCommandResult,
} from '@soc/event-store';
import { CLOCK, type Clock, isoDate } from '@soc/platform';
import {
  type AccessContext,
  AccessDeniedError,
  commandMetadata,
  decide,
  enforce,
  type Permission,
  PersonalDataAccessLog,
  PersonalDataCipher,
  RecordNotFoundError,
  type ResourceDescriptor,
} from '@soc/security';
import type { Pool } from 'pg';
import { v7 as uuidv7 } from 'uuid';
import { type OpenThreat, threatStream } from './threat.js';
import { type ThreatCommand, threatDecider } from './threat.decide.js';
import type {
  AddPlanPersonBody,
  ModerateAssessmentBody,
  ProposeActionBody,
  RecordAssessmentBody,
  RegisterThreatBody,
  UpdatePlanBody,
} from './threat.dto.js';

/** The version the caller last saw (an If-Match header), if it sent one. */
export interface CommandOptions {
  readonly ifVersion?: number;
}

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

/** A command on an existing threat, without the threat and today the shell adds. */
type ThreatLevelInput = DistributiveOmit<
  Exclude<ThreatCommand, { kind: 'register' }>,
  'threatId' | 'today'
>;
type Fields<K extends ThreatLevelInput['kind']> = Omit<
  Extract<ThreatLevelInput, { kind: K }>,
  'kind'
>;
/** A command on an action, without the threat, the action and today. */
type ActionInput = DistributiveOmit<Extract<ThreatLevelInput, { actionId: string }>, 'actionId'>;

/** Why a person was put on a plan, when the caller does not say (X-Purpose). */
export const DEFAULT_COLLECTION_PURPOSE = 'recorded on the plan on a page';

type Loaded = LoadedStream<OpenThreat>;

const personRef = ({ personId, organisationId }: PersonRef): PersonRef => ({
  personId,
  organisationId,
});

/** What the policy knows of a threat: owner, the LRO's organisation, shares, marking. */
export function threatRecord(
  threatId: string,
  state: OpenThreat,
): { type: 'threat'; id: string } & ResourceDescriptor {
  return {
    type: 'threat',
    id: threatId,
    ownerOrganisationId: state.ownerOrganisationId,
    partyOrganisationIds: [state.lro.organisationId],
    sharedWithOrganisationIds: [...state.sharedWith],
    marking: state.marking,
    signposting: state.signposting,
  };
}

/**
 * The shell around the threat decider: loads the threat, checks the caller's right on it (on
 * the action, for action updates), seals personal data, appends at the version it checked.
 */
@Injectable()
export class ThreatCommands {
  constructor(
    private readonly store: EventStore,
    private readonly cipher: PersonalDataCipher,
    private readonly accessLog: PersonalDataAccessLog,
    @Inject(EVENT_STORE_POOL) private readonly pool: Pool,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async register(
    access: AccessContext,
    body: RegisterThreatBody,
    options: CommandOptions = {},
  ): Promise<CommandResult & { threatId: string }> {
    const threatId = uuidv7();
    enforce(
      access.principal,
      'threat:register',
      { type: 'threat', id: threatId, ownerOrganisationId: body.ownerOrganisationId },
      { existenceIsPublic: true },
    );
    const today = this.today();
    const result = await this.store.handle(
      threatStream(threatId),
      threatDecider,
      {
        kind: 'register',
        threatId,
        today,
        ownerOrganisationId: body.ownerOrganisationId,
        threatKind: body.kind,
        codeName: body.codeName,
        summary: body.summary,
        priorityArea: body.priorityArea,
        type: body.type,
        tier: body.tier,
        phase: body.phase,
        soc: body.soc,
        lro: personRef(body.lro),
        sro: body.sro ? personRef(body.sro) : null,
        place: body.place ?? null,
        clearHoldBuildPhase: body.clearHoldBuildPhase ?? null,
        marking: body.marking,
        signposting: body.signposting,
        openedOn: body.openedOn ?? today,
      },
      commandMetadata(access),
      options,
    );
    return { ...toCommandResult(result), threatId };
  }

  changeTier(
    access: AccessContext,
    threatId: string,
    body: Fields<'change-tier'>,
    options?: CommandOptions,
  ): Promise<CommandResult> {
    const { tier, reason } = body;
    return this.onThreat(access, threatId, 'threat:update', options, {
      kind: 'change-tier',
      tier,
      reason,
    });
  }

  changePhase(
    access: AccessContext,
    threatId: string,
    phase: string,
    options?: CommandOptions,
  ): Promise<CommandResult> {
    return this.onThreat(access, threatId, 'threat:update', options, {
      kind: 'change-phase',
      phase,
    });
  }

  changeLro(
    access: AccessContext,
    threatId: string,
    body: { lro: PersonRef; sro?: PersonRef | null },
    options?: CommandOptions,
  ): Promise<CommandResult> {
    return this.onThreat(access, threatId, 'threat:update', options, {
      kind: 'change-lro',
      lro: personRef(body.lro),
      sro: body.sro ? personRef(body.sro) : null,
    });
  }

  close(
    access: AccessContext,
    threatId: string,
    reason: string,
    options?: CommandOptions,
  ): Promise<CommandResult> {
    return this.onThreat(access, threatId, 'threat:update', options, {
      kind: 'close',
      reason,
    });
  }

  async recordAssessment(
    access: AccessContext,
    threatId: string,
    body: RecordAssessmentBody,
    options?: CommandOptions,
  ): Promise<CommandResult & { assessmentId: string }> {
    const assessmentId = uuidv7();
    const { scores, outputs } = body;
    const result = await this.onThreat(access, threatId, 'assessment:record', options, {
      kind: 'record-assessment',
      assessmentId,
      modelVersion: body.modelVersion,
      scores: {
        harm: scores.harm,
        likelihood: scores.likelihood,
        confidence: scores.confidence,
        capacity: scores.capacity,
        capability: scores.capability,
      },
      outputs: {
        totalScore: outputs.totalScore,
        priority: outputs.priority,
        opportunity: outputs.opportunity,
      },
      assessedOn: body.assessedOn,
      intelligenceDate: body.intelligenceDate,
      rationale: body.rationale,
    });
    return { ...result, assessmentId };
  }

  moderateAssessment(
    access: AccessContext,
    threatId: string,
    assessmentId: string,
    body: ModerateAssessmentBody,
    options?: CommandOptions,
  ): Promise<CommandResult> {
    return this.onThreat(
      access,
      threatId,
      'assessment:moderate',
      options,
      body.decision === 'moderated'
        ? { kind: 'moderate-assessment', assessmentId, note: body.note }
        : { kind: 'return-assessment', assessmentId, reason: body.note.trim() },
    );
  }

  updatePlan(
    access: AccessContext,
    threatId: string,
    body: UpdatePlanBody,
    options?: CommandOptions,
  ): Promise<CommandResult> {
    return this.onThreat(access, threatId, 'plan:update', options, {
      kind: 'update-plan',
      criminalActivity: body.criminalActivity,
      placesAffected: [...body.placesAffected],
      risks: [...body.risks],
      reviewDate: body.reviewDate,
    });
  }

  reviewPlan(
    access: AccessContext,
    threatId: string,
    body: Fields<'review-plan'>,
    options?: CommandOptions,
  ): Promise<CommandResult> {
    const { nextReviewDate, note } = body;
    return this.onThreat(access, threatId, 'plan:update', options, {
      kind: 'review-plan',
      nextReviewDate,
      note,
    });
  }

  share(
    access: AccessContext,
    threatId: string,
    organisationIds: readonly string[],
    options?: CommandOptions,
  ): Promise<CommandResult> {
    return this.onThreat(access, threatId, 'plan:update', options, {
      kind: 'share-plan',
      organisationIds: [...organisationIds],
    });
  }

  unshare(
    access: AccessContext,
    threatId: string,
    organisationId: string,
    options?: CommandOptions,
  ): Promise<CommandResult> {
    return this.onThreat(access, threatId, 'plan:update', options, {
      kind: 'unshare-plan',
      organisationIds: [organisationId],
    });
  }

  /**
   * Seals the name under a subject of its own (erasable on its own), appends, then logs the
   * collection (Data Protection Act 2018, s. 62) with the caller's purpose or the default one.
   */
  async addPerson(
    access: AccessContext,
    threatId: string,
    body: AddPlanPersonBody,
    purpose: string | null,
    options: CommandOptions = {},
  ): Promise<CommandResult & { involvementId: string }> {
    const involvementId = uuidv7();
    const subjectId = `subject:${uuidv7()}`;
    const loaded = await this.authorise(access, threatId, 'plan:update');
    const name = await this.cipher.seal(subjectId, body.name);
    const result = await this.run(
      access,
      threatId,
      {
        kind: 'add-person',
        threatId,
        today: this.today(),
        involvementId,
        subjectId,
        name,
        role: body.role,
      },
      loaded,
      options,
    );
    await this.accessLog.record(
      this.pool,
      access,
      [
        {
          operation: 'collection',
          recordType: 'plan',
          recordId: threatId,
          subjectIds: [subjectId],
          disclosedTo: null,
        },
      ],
      purpose ?? DEFAULT_COLLECTION_PURPOSE,
    );
    return { ...result, involvementId };
  }

  removePerson(
    access: AccessContext,
    threatId: string,
    involvementId: string,
    reason: string,
    options?: CommandOptions,
  ): Promise<CommandResult> {
    return this.onThreat(access, threatId, 'plan:update', options, {
      kind: 'remove-person',
      involvementId,
      reason,
    });
  }

  async proposeAction(
    access: AccessContext,
    threatId: string,
    body: ProposeActionBody,
    options?: CommandOptions,
  ): Promise<CommandResult & { actionId: string }> {
    const actionId = uuidv7();
    const result = await this.onThreat(access, threatId, 'action:propose', options, {
      kind: 'propose-action',
      actionId,
      category: body.category,
      description: body.description,
      owner: personRef(body.owner),
      dueDate: body.dueDate,
    });
    return { ...result, actionId };
  }

  agreeAction(access: AccessContext, threatId: string, actionId: string, options?: CommandOptions) {
    return this.onAction(access, threatId, actionId, options, { kind: 'agree-action' });
  }

  startAction(access: AccessContext, threatId: string, actionId: string, options?: CommandOptions) {
    return this.onAction(access, threatId, actionId, options, { kind: 'start-action' });
  }

  completeAction(
    access: AccessContext,
    threatId: string,
    actionId: string,
    outcome: string,
    options?: CommandOptions,
  ) {
    return this.onAction(access, threatId, actionId, options, { kind: 'complete-action', outcome });
  }

  cancelAction(
    access: AccessContext,
    threatId: string,
    actionId: string,
    reason: string,
    options?: CommandOptions,
  ) {
    return this.onAction(access, threatId, actionId, options, { kind: 'cancel-action', reason });
  }

  recordProgress(
    access: AccessContext,
    threatId: string,
    actionId: string,
    note: string,
    options?: CommandOptions,
  ) {
    return this.onAction(access, threatId, actionId, options, { kind: 'record-progress', note });
  }

  // ----- the shell -----

  private today(): string {
    return isoDate(this.clock.now());
  }

  /** Loads the threat; 404 when it does not exist, as when the caller may not know of it. */
  private async load(threatId: string): Promise<Loaded> {
    const loaded = await this.store.load(threatStream(threatId), threatDecider);
    const { state } = loaded;
    if (state.status === 'none') throw new RecordNotFoundError('threat', threatId);
    return { ...loaded, state };
  }

  private async authorise(
    access: AccessContext,
    threatId: string,
    permission: Permission,
  ): Promise<Loaded> {
    const loaded = await this.load(threatId);
    enforce(access.principal, permission, threatRecord(threatId, loaded.state));
    return loaded;
  }

  private async onThreat(
    access: AccessContext,
    threatId: string,
    permission: Permission,
    options: CommandOptions = {},
    input: ThreatLevelInput,
  ): Promise<CommandResult> {
    const loaded = await this.authorise(access, threatId, permission);
    const command: ThreatCommand = { ...input, threatId, today: this.today() };
    return this.run(access, threatId, command, loaded, options);
  }

  /**
   * The policy judges the action itself: its owner organisation may update it (a partner
   * officer, only its own organisation's actions), and the threat's owner and LRO's organisation
   * are parties. Callers who may not know of the threat get its 404 (or signpost); those who may
   * read the plan but not update this action, a 403.
   */
  private async onAction(
    access: AccessContext,
    threatId: string,
    actionId: string,
    options: CommandOptions = {},
    input: ActionInput,
  ): Promise<CommandResult> {
    const loaded = await this.load(threatId);
    const { state } = loaded;
    const action = state.actions.get(actionId);
    const record = action && {
      type: 'action',
      id: actionId,
      ownerOrganisationId: action.owner.organisationId,
      partyOrganisationIds: [state.ownerOrganisationId, state.lro.organisationId],
    };
    const decision = record && decide(access.principal, 'action:update', record);
    if (!decision?.allowed) {
      enforce(access.principal, 'threat:read', threatRecord(threatId, state));
      if (!decision) throw new NotFoundError(`No action ${actionId} on this plan`);
      throw new AccessDeniedError(decision.reason);
    }
    const command: ThreatCommand = { ...input, threatId, actionId, today: this.today() };
    return this.run(access, threatId, command, loaded, options);
  }

  /** Decides and appends at the version the policy was checked on (or the caller's If-Match). */
  private async run(
    access: AccessContext,
    threatId: string,
    command: ThreatCommand,
    loaded: Loaded,
    { ifVersion }: CommandOptions,
  ): Promise<CommandResult> {
    const result = await this.store.decideOn(
      threatStream(threatId),
      threatDecider,
      loaded,
      command,
      commandMetadata(access),
      { ifVersion },
    );
    return toCommandResult(result);
  }
}
