import { Command } from '@nestjs/cqrs';
import type { CommandResult } from '@soc/event-store';
import {
  type AccessContext,
  CommandRoute,
  type ExpectedVersion,
  type Permission,
  type RecordCommands,
} from '@soc/security';
import type { ThreatCommand } from './threat.decide.js';
import { threats } from './threat-record.js';

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

/** A decision on an existing threat, without what the shell adds: the threat and the dates. */
export type ThreatChange = DistributiveOmit<
  Exclude<ThreatCommand, { kind: 'register' }>,
  'threatId' | 'today' | 'on'
>;

/** A command on one threat as a route hands it over: who asks, which threat, what they sent. */
export abstract class ThreatCommandBase<TBody, TResult = CommandResult> extends Command<TResult> {
  constructor(
    readonly access: AccessContext,
    readonly threatId: string,
    readonly body: TBody,
    readonly expected: ExpectedVersion = {},
  ) {
    super();
  }
}

/**
 * The common handler: loads the threat, checks `permission` on it, and decides `change` dated by
 * the body's business date field (`closedOn`, `moderatedOn`...), today when absent.
 */
export async function changeThreat<TBody extends object>(
  records: RecordCommands,
  { access, threatId, body, expected }: ThreatCommandBase<TBody, unknown>,
  permission: Permission,
  change: ThreatChange,
  dateField?: keyof TBody & string,
): Promise<CommandResult> {
  const on = dateField ? (body[dateField] as string | undefined) : undefined;
  return records.change(
    access,
    threats,
    threatId,
    permission,
    (dates) => ({ ...change, threatId, ...dates }) as ThreatCommand,
    { expected, on, dateField },
  );
}

/** A command route on a threat; its 404 is a threat the caller's organisation may not know of. */
export const ThreatCommandRoute = (permission: Permission, summary: string) =>
  CommandRoute(permission, summary, {
    notFound: 'No such threat, or one your organisation may not know of',
  });
