import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { EVENT_STORE_POOL } from '@soc/event-store';
import {
  type AccessContext,
  type ExpectedVersion,
  PersonalDataAccessLog,
  PersonalDataCipher,
  RecordCommands,
} from '@soc/security';
import type { Pool } from 'pg';
import { v7 as uuidv7 } from 'uuid';
import { changeThreat, ThreatCommandBase } from '../threat/threat-command.js';
import { threats } from '../threat/threat-record.js';
import type {
  AddPlanPersonBody,
  PlanPersonAddedResult,
  RemovePlanPersonBody,
} from './plan-people.dto.js';

/** Why a person was put on a plan, when the caller does not say (X-Purpose). */
export const DEFAULT_COLLECTION_PURPOSE = 'recorded on the plan on a page';

/** Name a person involved in the threat: personal data, sealed under a subject of its own. */
export class AddPlanPerson extends ThreatCommandBase<AddPlanPersonBody, PlanPersonAddedResult> {
  constructor(
    access: AccessContext,
    threatId: string,
    body: AddPlanPersonBody,
    /** Why the data is collected (X-Purpose), for the access log. */
    readonly purpose: string | null,
    expected: ExpectedVersion = {},
    readonly involvementId: string = uuidv7(),
    readonly subjectId: string = `subject:${uuidv7()}`,
  ) {
    super(access, threatId, body, expected);
  }
}

/** Take a person off the plan, saying why. */
export class RemovePlanPerson extends ThreatCommandBase<RemovePlanPersonBody> {
  constructor(
    access: AccessContext,
    { threatId, involvementId }: { threatId: string; involvementId: string },
    body: RemovePlanPersonBody,
    expected: ExpectedVersion = {},
  ) {
    super(access, threatId, body, expected);
    this.involvementId = involvementId;
  }
  readonly involvementId: string;
}

/**
 * Seals the name under a subject of its own (erasable on its own), appends, then logs the
 * collection (Data Protection Act 2018, s. 62) with the caller's purpose or the default one.
 */
@CommandHandler(AddPlanPerson)
export class AddPlanPersonHandler implements ICommandHandler<AddPlanPerson> {
  constructor(
    private readonly records: RecordCommands,
    private readonly cipher: PersonalDataCipher,
    private readonly accessLog: PersonalDataAccessLog,
    @Inject(EVENT_STORE_POOL) private readonly pool: Pool,
  ) {}

  async execute(command: AddPlanPerson): Promise<PlanPersonAddedResult> {
    const { access, threatId, body, expected, involvementId, subjectId, purpose } = command;
    const threat = await this.records.authorise(access, threats, threatId, 'plan:update');
    const name = await this.cipher.seal(subjectId, body.name);
    const result = await this.records.decide(
      access,
      threats,
      threat,
      (dates) => ({
        kind: 'add-person' as const,
        threatId,
        ...dates,
        involvementId,
        subjectId,
        name,
        role: body.role,
      }),
      { expected, on: body.addedOn, dateField: 'addedOn' },
    );
    const collection = {
      operation: 'collection' as const,
      recordType: 'plan',
      recordId: threatId,
      subjectIds: [subjectId],
      disclosedTo: null,
    };
    await this.accessLog.record(
      this.pool,
      access,
      [collection],
      purpose ?? DEFAULT_COLLECTION_PURPOSE,
    );
    return { ...result, involvementId };
  }
}

@CommandHandler(RemovePlanPerson)
export class RemovePlanPersonHandler implements ICommandHandler<RemovePlanPerson> {
  constructor(private readonly records: RecordCommands) {}
  execute(command: RemovePlanPerson) {
    const { involvementId, body } = command;
    const change = { kind: 'remove-person', involvementId, reason: body.reason } as const;
    return changeThreat(this.records, command, 'plan:update', change, 'removedOn');
  }
}

export const planPeopleHandlers = [AddPlanPersonHandler, RemovePlanPersonHandler];
