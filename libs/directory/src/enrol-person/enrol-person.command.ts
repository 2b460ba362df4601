import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { AlreadyExistsError, type CommandResult, EventStore } from '@soc/event-store';
import {
  type AccessContext,
  enforce,
  PersonalDataCipher,
  RecordCommands,
  type Role,
} from '@soc/security';
import { organisationDescriptor, organisations } from '../organisation/organisation-record.js';
import { personDecider, personStream, personSubject } from '../person/person.js';
import { people } from '../person/person-record.js';

export interface NewPerson {
  readonly organisationId: string;
  readonly personId: string;
  readonly displayName: string;
  readonly roles: readonly Role[];
}

export class EnrolPerson extends Command<CommandResult> {
  constructor(
    readonly access: AccessContext,
    readonly person: NewPerson,
  ) {
    super();
  }
}

/** Enrols a person in a registered organisation, their name sealed under a key of their own. */
@CommandHandler(EnrolPerson)
export class EnrolPersonHandler implements ICommandHandler<EnrolPerson> {
  constructor(
    private readonly store: EventStore,
    private readonly records: RecordCommands,
    private readonly cipher: PersonalDataCipher,
  ) {}

  async execute({ access, person }: EnrolPerson): Promise<CommandResult> {
    const { organisationId, personId, roles } = person;
    enforce(access.principal, 'person:enrol', organisationDescriptor(organisationId), {
      existenceIsPublic: true,
    });
    await this.records.load(organisations, organisationId);
    // Checked before sealing: an erased person's subject takes no new key (410), but the answer
    // for an id already in use is 409.
    const stream = await this.store.load(personStream(personId), personDecider);
    if (stream.state.status !== 'none') {
      throw new AlreadyExistsError(`Person ${personId} is already enrolled`);
    }
    const displayName = await this.cipher.seal(personSubject(personId), person.displayName);
    return this.records.decide(access, people, { ...stream, id: personId }, () => ({
      kind: 'enrol' as const,
      personId,
      organisationId,
      displayName,
      roles,
    }));
  }
}
