import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { Command } from '@nestjs/cqrs';
import { type AccessContext, enforce, type ExpectedVersion, RecordCommands } from '@soc/security';
import { v7 as uuidv7 } from 'uuid';
import { threats } from '../threat/threat-record.js';
import { personRef } from '../threat/threat-params.dto.js';
import type { RegisterThreatBody, ThreatRegisteredResult } from './register-threat.dto.js';

/** Put a threat on the SOC master list of the caller's organisation. */
export class RegisterThreat extends Command<ThreatRegisteredResult> {
  constructor(
    readonly access: AccessContext,
    readonly body: RegisterThreatBody,
    readonly expected: ExpectedVersion = {},
    /** A new threat's id; an import gives its own so that running it again adds nothing. */
    readonly threatId: string = uuidv7(),
  ) {
    super();
  }
}

@CommandHandler(RegisterThreat)
export class RegisterThreatHandler implements ICommandHandler<RegisterThreat> {
  constructor(private readonly records: RecordCommands) {}

  async execute({
    access,
    body,
    expected,
    threatId,
  }: RegisterThreat): Promise<ThreatRegisteredResult> {
    enforce(
      access.principal,
      'threat:register',
      { type: 'threat', id: threatId, ownerOrganisationId: body.ownerOrganisationId },
      { existenceIsPublic: true },
    );
    const result = await this.records.create(
      access,
      threats,
      threatId,
      ({ on, today }) => ({
        kind: 'register' as const,
        threatId,
        today,
        on,
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
        openedOn: body.openedOn ?? on,
      }),
      { expected, on: body.registeredOn, dateField: 'registeredOn' },
    );
    return { ...result, threatId };
  }
}
