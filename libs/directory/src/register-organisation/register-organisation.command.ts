import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import type { OrganisationKind } from '@soc/contracts';
import { type CommandResult, EventStore } from '@soc/event-store';
import { type AccessContext, enforce, RecordCommands } from '@soc/security';
import { organisationDecider, organisationStream } from '../organisation/organisation.js';
import { organisationDescriptor, organisations } from '../organisation/organisation-record.js';

export interface NewOrganisation {
  readonly organisationId: string;
  readonly name: string;
  readonly kind: OrganisationKind;
}

export class RegisterOrganisation extends Command<CommandResult> {
  constructor(
    readonly access: AccessContext,
    readonly organisation: NewOrganisation,
  ) {
    super();
  }
}

@CommandHandler(RegisterOrganisation)
export class RegisterOrganisationHandler implements ICommandHandler<RegisterOrganisation> {
  constructor(
    private readonly store: EventStore,
    private readonly records: RecordCommands,
  ) {}

  async execute({ access, organisation }: RegisterOrganisation): Promise<CommandResult> {
    const { organisationId, name, kind } = organisation;
    enforce(access.principal, 'organisation:register', organisationDescriptor(organisationId), {
      existenceIsPublic: true,
    });
    // The decider refuses a second registration itself (409), naming the organisation.
    const stream = await this.store.load(organisationStream(organisationId), organisationDecider);
    return this.records.decide(access, organisations, { ...stream, id: organisationId }, () => ({
      organisationId,
      name,
      kind,
    }));
  }
}
