import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { RecordCommands } from '@soc/security';
import { changeThreat, ThreatCommandBase } from '../threat/threat-command.js';
import { personRef } from '../threat/threat-params.dto.js';
import type {
  ChangeLroBody,
  ChangePhaseBody,
  ChangeTierBody,
  CloseThreatBody,
} from './change-threat.dto.js';

/** Change the threat's tier (1 highest, 5 lowest), saying why. */
export class ChangeTier extends ThreatCommandBase<ChangeTierBody> {}
/** Move the threat to another phase (closing is its own command). */
export class ChangePhase extends ThreatCommandBase<ChangePhaseBody> {}
/** Hand the plan to another lead responsible officer (and SRO). */
export class ChangeLro extends ThreatCommandBase<ChangeLroBody> {}
/** Close the threat: its plan takes no more changes. */
export class CloseThreat extends ThreatCommandBase<CloseThreatBody> {}

@CommandHandler(ChangeTier)
export class ChangeTierHandler implements ICommandHandler<ChangeTier> {
  constructor(private readonly records: RecordCommands) {}
  execute(command: ChangeTier) {
    const { tier, reason } = command.body;
    const change = { kind: 'change-tier', tier, reason } as const;
    return changeThreat(this.records, command, 'threat:update', change, 'changedOn');
  }
}

@CommandHandler(ChangePhase)
export class ChangePhaseHandler implements ICommandHandler<ChangePhase> {
  constructor(private readonly records: RecordCommands) {}
  execute(command: ChangePhase) {
    const change = { kind: 'change-phase', phase: command.body.phase } as const;
    return changeThreat(this.records, command, 'threat:update', change, 'changedOn');
  }
}

@CommandHandler(ChangeLro)
export class ChangeLroHandler implements ICommandHandler<ChangeLro> {
  constructor(private readonly records: RecordCommands) {}
  execute(command: ChangeLro) {
    const { lro, sro } = command.body;
    const change = {
      kind: 'change-lro',
      lro: personRef(lro),
      sro: sro ? personRef(sro) : null,
    } as const;
    return changeThreat(this.records, command, 'threat:update', change, 'changedOn');
  }
}

@CommandHandler(CloseThreat)
export class CloseThreatHandler implements ICommandHandler<CloseThreat> {
  constructor(private readonly records: RecordCommands) {}
  execute(command: CloseThreat) {
    const change = { kind: 'close', reason: command.body.reason } as const;
    return changeThreat(this.records, command, 'threat:update', change, 'closedOn');
  }
}

export const changeThreatHandlers = [
  ChangeTierHandler,
  ChangePhaseHandler,
  ChangeLroHandler,
  CloseThreatHandler,
];
