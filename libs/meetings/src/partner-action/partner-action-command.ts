import { Injectable } from '@nestjs/common';
import { Command } from '@nestjs/cqrs';
import type { CommandResult } from '@soc/event-store';
import {
  type AccessContext,
  CommandRoute,
  type ExpectedVersion,
  RecordCommands,
  RecordNotFoundError,
} from '@soc/security';
import type { DistributiveOmit } from '../meeting/meeting-command.js';
import { meetings } from '../meeting/meeting-record.js';
import type { PartnerActionCommand } from './partner-action.js';
import { type ActionAuthority, AgreedActions, partnerActions } from './partner-action-record.js';

/** A decision on an agreed action, without what the shell adds: the action and the dates. */
export type PartnerActionChange = DistributiveOmit<
  PartnerActionCommand,
  'actionId' | 'today' | 'on'
>;

/** A command on one agreed action as a route hands it over. */
export abstract class PartnerActionCommandBase<
  TBody,
  TResult = CommandResult,
> extends Command<TResult> {
  constructor(
    readonly access: AccessContext,
    readonly actionId: string,
    readonly body: TBody,
    readonly expected: ExpectedVersion = {},
  ) {
    super();
  }
}

/**
 * The shell every command on an agreed action runs in: finds the meeting that agreed the action,
 * checks the caller acts for the organisation with `authority` over it (its lead's officers, or
 * the meeting's chair), and decides `change` on the action's own stream, dated by the body's
 * `dateField`, default today.
 */
@Injectable()
export class PartnerActionCommands {
  constructor(
    private readonly records: RecordCommands,
    private readonly agreedActions: AgreedActions,
  ) {}

  async change<TBody extends object>(
    { access, actionId, body, expected }: PartnerActionCommandBase<TBody, unknown>,
    authority: ActionAuthority,
    change: PartnerActionChange,
    dateField: keyof TBody & string,
  ): Promise<CommandResult> {
    const meetingId = await this.agreedActions.meetingOf(actionId);
    const meeting = meetingId === null ? null : await this.records.load(meetings, meetingId);
    const action = meeting?.state.actions.get(actionId.toLowerCase());
    if (!meeting || !action) throw new RecordNotFoundError('partner-action', actionId);
    return this.records.change(
      access,
      partnerActions(meeting.state, action, authority),
      action.actionId,
      authority === 'lead' ? 'partner-action:update' : 'meeting:chair',
      (dates) => ({ ...change, actionId: action.actionId, ...dates }) as PartnerActionCommand,
      { expected, on: body[dateField] as string | undefined, dateField },
    );
  }
}

/** A command route on an agreed action; its 404 is an action of a meeting the caller is not at. */
export const PartnerActionCommandRoute = (
  permission: 'partner-action:update' | 'meeting:chair',
  summary: string,
) =>
  CommandRoute(permission, summary, {
    notFound: 'No such action, or one agreed at a meeting your organisation is not invited to',
  });
