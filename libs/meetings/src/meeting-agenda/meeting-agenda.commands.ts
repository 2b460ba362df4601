import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import type { Marking } from '@soc/contracts';
import { EVENT_STORE_POOL } from '@soc/event-store';
import { RecordCommands } from '@soc/security';
import type { Pool } from 'pg';
import type { KnownThreat } from '../meeting/meeting.decide.js';
import { changeMeeting, MeetingCommandBase } from '../meeting/meeting-command.js';
import type { AddAgendaItemBody, PublishAgendaBody } from './meeting-agenda.dto.js';

/**
 * Put a threat on the agenda: its plan on a page is reviewed at the meeting. The agenda of a
 * meeting recorded after it was held is dated its day, like the rest of its record. Whether the
 * chair's organisation sees the threat is judged on what the meetings projection knows of it.
 */
export class AddAgendaItem extends MeetingCommandBase<AddAgendaItemBody> {}

/** Take a threat off the agenda. */
export class RemoveAgendaItem extends MeetingCommandBase<{ threatId: string }> {}

/** Send the agenda out: the plans on a page the invitees get are those of this moment. */
export class PublishAgenda extends MeetingCommandBase<PublishAgendaBody> {}

@CommandHandler(AddAgendaItem)
export class AddAgendaItemHandler implements ICommandHandler<AddAgendaItem> {
  constructor(
    private readonly records: RecordCommands,
    @Inject(EVENT_STORE_POOL) private readonly pool: Pool,
  ) {}

  async execute(command: AddAgendaItem) {
    const { threatId, ownerOrganisationId } = command.body;
    const threat = await this.knownThreat(threatId);
    const change = { kind: 'add-agenda-item', threatId, ownerOrganisationId, threat } as const;
    return changeMeeting(this.records, command, 'meeting:chair', change, {
      dateField: 'addedOn',
      onMeetingDay: true,
    });
  }

  /** Read as the service, not the caller: the question is what the chair's organisation sees. */
  private async knownThreat(threatId: string): Promise<KnownThreat | null> {
    const { rows } = await this.pool.query<{ threat: KnownThreat }>(
      `SELECT json_build_object('ownerOrganisationId', owner_organisation_id,
                'lroOrganisationId', lro_organisation_id, 'sharedWith', shared_with,
                'marking', marking) AS threat
         FROM meetings.threat_summaries WHERE threat_id = $1`,
      [threatId],
    );
    return rows[0] ? { ...rows[0].threat, marking: rows[0].threat.marking as Marking } : null;
  }
}

@CommandHandler(RemoveAgendaItem)
export class RemoveAgendaItemHandler implements ICommandHandler<RemoveAgendaItem> {
  constructor(private readonly records: RecordCommands) {}
  execute(command: RemoveAgendaItem) {
    const change = { kind: 'remove-agenda-item', threatId: command.body.threatId } as const;
    return changeMeeting(this.records, command, 'meeting:chair', change, { onMeetingDay: true });
  }
}

@CommandHandler(PublishAgenda)
export class PublishAgendaHandler implements ICommandHandler<PublishAgenda> {
  constructor(private readonly records: RecordCommands) {}
  execute(command: PublishAgenda) {
    return changeMeeting(
      this.records,
      command,
      'meeting:chair',
      { kind: 'publish-agenda' },
      {
        dateField: 'publishedOn',
        onMeetingDay: true,
      },
    );
  }
}

export const meetingAgendaHandlers = [
  AddAgendaItemHandler,
  RemoveAgendaItemHandler,
  PublishAgendaHandler,
];
