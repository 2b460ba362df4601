import type { MessageEvent } from '@nestjs/common';
import { type IQueryHandler, Query, QueryHandler } from '@nestjs/cqrs';
import { IntelligenceShared } from '@soc/contracts';
import type { RecordedEvent } from '@soc/event-store';
import type { ConsistencyQuery } from '@soc/messaging';
import type { AccessContext } from '@soc/security';
import type { PoolClient } from 'pg';
import { concatMap, interval, map, merge, mergeAll, type Observable, of, takeUntil } from 'rxjs';
import { intelligenceView, packMeeting } from '../meeting-pack/meeting-pack.query.js';
import type { IntelligenceItemRow } from '../partner-actions-projection/meeting-pack-tables.js';
import { MeetingViewReader, rowsOf } from '../partner-actions-projection/meeting-view-reader.js';
import {
  type AgreedRow,
  partnerActionOn,
} from '../partner-actions-projection/partner-action-view.js';
import type { MeetingLiveMessage } from './meeting-live.dto.js';
import { type AppliedBatch, MeetingLiveFeed } from './meeting-live.feed.js';

export const HEARTBEAT_MS = 15_000;

/** A meeting's live stream, as the caller's organisation may see it, after a position or from now. */
export class OpenMeetingLiveQuery extends Query<Observable<MessageEvent>> {
  constructor(
    readonly access: AccessContext,
    readonly meetingId: string,
    readonly consistency: ConsistencyQuery,
    readonly after: number | undefined,
  ) {
    super();
  }
}

/**
 * What a meeting's other events show: what its pack shows of them. Attendance goes by
 * organisation, as in the pack; the minutes' text is not in the pack.
 */
const DETAILS: Readonly<Record<string, readonly string[]>> = {
  'meetings.MeetingScheduled': ['kind', 'title', 'heldOn', 'place', 'invitedOrganisationIds'],
  'meetings.OrganisationsInvited': ['organisationIds'],
  'meetings.AgendaItemAdded': ['threatId', 'ownerOrganisationId'],
  'meetings.AgendaItemRemoved': ['threatId'],
  'meetings.AgendaPublished': ['threatIds'],
  'meetings.AttendanceRecorded': ['organisationId', 'attendance'],
  'meetings.DecisionRecorded': ['decisionId', 'threatId', 'text'],
  'meetings.MinutesFinalised': [],
};

interface EventData {
  readonly meetingId?: string;
  readonly actionId?: string;
  readonly itemId?: string;
}
const dataOf = (event: RecordedEvent) => event.data as EventData & Record<string, unknown>;

/**
 * Checks the caller may see the meeting (404 as for its pack), then follows the meetings
 * projection: each batch it applies is filtered to this meeting's events and its actions', and
 * each event is shown as the pack shows it to the caller (row-level security decides which
 * actions and intelligence items exist for them). A stream opened with Last-Event-ID first reads
 * what it missed from the log.
 */
@QueryHandler(OpenMeetingLiveQuery)
export class OpenMeetingLiveHandler implements IQueryHandler<OpenMeetingLiveQuery> {
  constructor(
    private readonly views: MeetingViewReader,
    private readonly feed: MeetingLiveFeed,
  ) {}

  async execute({ access, meetingId, consistency, after }: OpenMeetingLiveQuery) {
    await assertMeetingVisible(this.views, access, meetingId, consistency);
    const applied = await this.feed.upTo();
    let cursor = after ?? applied;
    const messages = this.feed.follow().pipe(
      concatMap(async ({ after: from, upTo, events }: AppliedBatch) => {
        const missed = from > cursor ? await this.feed.read(cursor, from) : [];
        const fresh = [...missed, ...events].filter((e) => e.globalPosition! > cursor);
        cursor = Math.max(cursor, upTo);
        return this.shown(access, meetingId, fresh);
      }),
      mergeAll(),
    );
    const heartbeats = interval(HEARTBEAT_MS).pipe(
      map((): MessageEvent => ({ comment: 'heartbeat' })),
    );
    return merge(of<MessageEvent>({ comment: 'connected' }), messages, heartbeats).pipe(
      takeUntil(this.feed.stopped),
    );
  }

  /** The events of the meeting and of its actions the caller may see, as SSE messages. */
  private async shown(
    access: AccessContext,
    meetingId: string,
    events: readonly RecordedEvent[],
  ): Promise<MessageEvent[]> {
    const candidates = events.filter((e) => {
      const data = dataOf(e);
      return data.meetingId === meetingId || (data.meetingId === undefined && !!data.actionId);
    });
    if (candidates.length === 0) return [];
    return this.views.read(access, {}, async (db, today) => {
      const { actions, items } = await this.rowsFor(db, meetingId, candidates);
      return candidates.flatMap((event): MessageEvent[] => {
        const { actionId, itemId } = dataOf(event);
        const base = {
          type: event.type,
          meetingId,
          globalPosition: event.globalPosition!,
          occurredAt: event.occurredAt,
        };
        let message: MeetingLiveMessage | null;
        if (actionId !== undefined) {
          const row = actions.get(actionId);
          message = row ? { ...base, actionId, action: partnerActionOn(row, today) } : null;
        } else if (event.type === IntelligenceShared.type) {
          const row = items.get(itemId!);
          message = row ? { ...base, intelligence: intelligenceView(row) } : null;
        } else {
          message = { ...base, details: pick(dataOf(event), DETAILS[event.type] ?? []) };
        }
        return message ? [{ id: String(message.globalPosition), data: message }] : [];
      });
    });
  }

  /** The actions and intelligence items the events name, of this meeting, that the caller sees. */
  private async rowsFor(db: PoolClient, meetingId: string, events: readonly RecordedEvent[]) {
    const ids = (key: 'actionId' | 'itemId') => [
      ...new Set(events.map((e) => dataOf(e)[key]).filter((id) => id !== undefined)),
    ];
    const actions = await rowsOf<AgreedRow>(
      db,
      `SELECT row_to_json(a) AS row FROM meetings.partner_actions a
        WHERE action_id = ANY ($1::text[]) AND meeting_id = $2`,
      [ids('actionId'), meetingId],
    );
    const items = await rowsOf<IntelligenceItemRow>(
      db,
      `SELECT row_to_json(i) AS row FROM meetings.intelligence_items i
        WHERE item_id = ANY ($1::text[]) AND meeting_id = $2`,
      [ids('itemId'), meetingId],
    );
    return {
      actions: new Map(actions.map((row) => [row.action_id, row])),
      items: new Map(items.map((row) => [row.item_id, row])),
    };
  }
}

/** 404 unless the caller's organisation chairs or is invited to the meeting, or they audit. */
export async function assertMeetingVisible(
  views: MeetingViewReader,
  access: AccessContext,
  meetingId: string,
  consistency: ConsistencyQuery = {},
): Promise<void> {
  await views.read(access, consistency, (db) => packMeeting(db, access, meetingId));
}

const pick = (data: Record<string, unknown>, keys: readonly string[]) =>
  Object.fromEntries(keys.filter((key) => key in data).map((key) => [key, data[key]]));
