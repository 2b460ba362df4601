import { Inject, Injectable } from '@nestjs/common';
import {
  AlreadyExistsError,
  type CommandResult,
  EVENT_STORE_POOL,
  EventStore,
  type LoadedStream,
  NotFoundError,
  toCommandResult,
} from '@soc/event-store';
import {
  type AccessContext,
  commandMetadata,
  enforce,
  type ExpectedVersion,
  PersonalDataAccessLog,
  PersonalDataCipher,
  type Role,
  SubjectKeyStore,
} from '@soc/security';
import type { Pool } from 'pg';
import { organisationDecider, organisationStream } from '../organisation/organisation.js';
import {
  type Person,
  personDecider,
  type PersonCommand,
  personStream,
  personSubject,
} from './person.js';

/** The shell around the person decider: loads, checks the caller's right, seals, appends. */
@Injectable()
export class PeopleCommands {
  constructor(
    private readonly store: EventStore,
    private readonly cipher: PersonalDataCipher,
    private readonly keys: SubjectKeyStore,
    private readonly accessLog: PersonalDataAccessLog,
    @Inject(EVENT_STORE_POOL) private readonly pool: Pool,
  ) {}

  async enrol(
    access: AccessContext,
    organisationId: string,
    body: { personId: string; displayName: string; roles: Role[] },
  ): Promise<CommandResult> {
    enforce(
      access.principal,
      'person:enrol',
      { type: 'organisation', id: organisationId, ownerOrganisationId: organisationId },
      { existenceIsPublic: true },
    );
    const { state: organisation } = await this.store.load(
      organisationStream(organisationId),
      organisationDecider,
    );
    if (organisation.status !== 'registered') {
      throw new NotFoundError(`No organisation ${organisationId}`);
    }
    // Checked before sealing: an erased person's subject takes no new key (410), but the answer
    // for an id already in use is 409.
    const person = await this.store.load(personStream(body.personId), personDecider);
    if (person.state.status !== 'none') {
      throw new AlreadyExistsError(`Person ${body.personId} is already enrolled`);
    }
    const displayName = await this.cipher.seal(personSubject(body.personId), body.displayName);
    return this.run(access, body.personId, person, {
      kind: 'enrol',
      personId: body.personId,
      organisationId,
      displayName,
      roles: body.roles,
    });
  }

  async changeRoles(
    access: AccessContext,
    personId: string,
    roles: Role[],
    expected: ExpectedVersion = {},
  ): Promise<CommandResult> {
    const person = await this.authorise(access, personId, 'person:change-roles');
    const command = { kind: 'change-roles', personId, roles } as const;
    return this.run(access, personId, person, command, expected);
  }

  /** Appends the erasure, then destroys the key; a retry finds the event and destroys it again. */
  async erase(
    access: AccessContext,
    personId: string,
    reason: string,
    expected: ExpectedVersion = {},
  ): Promise<CommandResult> {
    const person = await this.authorise(access, personId, 'person:erase');
    const subjectId = personSubject(personId);
    const command = { kind: 'erase', personId, subjectId, reason } as const;
    const result = await this.run(access, personId, person, command, expected);
    await this.keys.erase(subjectId, { ...access.principal, reason });
    const erasure = { recordType: 'person', recordId: personId, subjectIds: [subjectId] };
    await this.accessLog.record(this.pool, access, [{ operation: 'erasure', ...erasure }], reason);
    return result;
  }

  private async authorise(
    access: AccessContext,
    personId: string,
    permission: 'person:change-roles' | 'person:erase',
  ): Promise<LoadedStream<Person>> {
    const person = await this.store.load(personStream(personId), personDecider);
    const { state } = person;
    if (state.status === 'none') throw new NotFoundError(`No person ${personId}`);
    enforce(access.principal, permission, {
      type: 'person',
      id: personId,
      ownerOrganisationId: state.organisationId,
    });
    return person;
  }

  /** Decides on the state already read (and checked), appending at the version it was read at. */
  private async run(
    access: AccessContext,
    personId: string,
    person: LoadedStream<Person>,
    command: PersonCommand,
    expected: ExpectedVersion = {},
  ): Promise<CommandResult> {
    const result = await this.store.decideOn(
      personStream(personId),
      personDecider,
      person,
      command,
      commandMetadata(access),
      expected,
    );
    return toCommandResult(result);
  }
}
