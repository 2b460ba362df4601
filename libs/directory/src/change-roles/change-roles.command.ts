import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import type { CommandResult } from '@soc/event-store';
import { type AccessContext, type ExpectedVersion, RecordCommands, type Role } from '@soc/security';
import { people } from '../person/person-record.js';

export class ChangeRoles extends Command<CommandResult> {
  constructor(
    readonly access: AccessContext,
    readonly personId: string,
    readonly roles: readonly Role[],
    readonly expected: ExpectedVersion = {},
  ) {
    super();
  }
}

/** Replaces a person's roles; the same roles in another order change nothing. */
@CommandHandler(ChangeRoles)
export class ChangeRolesHandler implements ICommandHandler<ChangeRoles> {
  constructor(private readonly records: RecordCommands) {}

  async execute({ access, personId, roles, expected }: ChangeRoles): Promise<CommandResult> {
    return this.records.change(
      access,
      people,
      personId,
      'person:change-roles',
      () => ({ kind: 'change-roles' as const, personId, roles }),
      { expected },
    );
  }
}
