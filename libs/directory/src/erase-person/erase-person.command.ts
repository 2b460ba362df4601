import { Inject } from '@nestjs/common';
import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { type CommandResult, EVENT_STORE_POOL } from '@soc/event-store';
import {
  type AccessContext,
  type ExpectedVersion,
  PersonalDataAccessLog,
  RecordCommands,
  SubjectKeyStore,
} from '@soc/security';
import type { Pool } from 'pg';
import { personSubject } from '../person/person.js';
import { people } from '../person/person-record.js';

export class ErasePerson extends Command<CommandResult> {
  constructor(
    readonly access: AccessContext,
    readonly personId: string,
    readonly reason: string,
    readonly expected: ExpectedVersion = {},
  ) {
    super();
  }
}

/**
 * Appends the erasure, then destroys the person's key, then logs the erasure: a retry after a
 * failure finds the event, appends nothing and destroys the key again.
 */
@CommandHandler(ErasePerson)
export class ErasePersonHandler implements ICommandHandler<ErasePerson> {
  constructor(
    private readonly records: RecordCommands,
    private readonly keys: SubjectKeyStore,
    private readonly accessLog: PersonalDataAccessLog,
    @Inject(EVENT_STORE_POOL) private readonly pool: Pool,
  ) {}

  async execute({ access, personId, reason, expected }: ErasePerson): Promise<CommandResult> {
    const subjectId = personSubject(personId);
    const result = await this.records.change(
      access,
      people,
      personId,
      'person:erase',
      () => ({ kind: 'erase' as const, personId, subjectId, reason }),
      { expected },
    );
    await this.keys.erase(subjectId, { ...access.principal, reason });
    const erasure = { recordType: 'person', recordId: personId, subjectIds: [subjectId] };
    await this.accessLog.record(this.pool, access, [{ operation: 'erasure', ...erasure }], reason);
    return result;
  }
}
