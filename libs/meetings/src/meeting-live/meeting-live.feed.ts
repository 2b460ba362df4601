import { setTimeout as sleep } from 'node:timers/promises';
import {
  type BeforeApplicationShutdown,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
} from '@nestjs/common';
import { EventStore, type RecordedEvent } from '@soc/event-store';
import { DeliveryRuntime, PositionWaitTimeoutError } from '@soc/messaging';
import { defer, type Observable, startWith, Subject } from 'rxjs';
import { meetingsProjection } from '../partner-actions-projection/meetings.projection.js';

/** The meetings events of the log in (after, upTo], all applied by the meetings projection. */
export interface AppliedBatch {
  readonly after: number;
  readonly upTo: number;
  readonly events: readonly RecordedEvent[];
}

const PAGE = 1000;
const WAIT_MS = 10_000;
const RETRY_MS = 1000;
const isLiveEvent = (event: RecordedEvent) =>
  event.type.startsWith('meetings.') && meetingsProjection.handles.includes(event.type);

/**
 * Follows the meetings projection for the live streams of this process: the sealer says a new
 * position exists, delivery's read-your-writes wait says the projection has applied it (in
 * process or over Kafka alike), and the meetings events up to it are read from the log once for
 * every open stream. While no stream is open it only notes the newest position.
 */
@Injectable()
export class MeetingLiveFeed implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('MeetingLive');
  private readonly applied = new Subject<AppliedBatch>();
  /** Emits once, at shutdown: every open stream ends then. */
  readonly stopped = new Subject<void>();
  private running = false;
  private pumping = false;
  /** The newest position the sealer announced. */
  private sealed = 0;
  /** What the projection is known to have applied; batches go on from here. */
  private appliedUpTo = 0;
  private stopListening: (() => void) | null = null;

  constructor(
    private readonly store: EventStore,
    private readonly delivery: DeliveryRuntime,
  ) {}

  onApplicationBootstrap(): void {
    this.running = true;
    this.stopListening = this.store.sealer.onSealed((position) => {
      if (position <= this.sealed) return;
      this.sealed = position;
      void this.pump();
    });
  }

  beforeApplicationShutdown(): void {
    this.running = false;
    this.stopListening?.();
    this.stopped.next();
    this.stopped.complete();
    this.applied.complete();
  }

  /**
   * A position the projection has applied, no older than the log's newest when asked (a
   * bounded wait: 503 if the projection is that far behind). A stream that follows from it
   * misses nothing after it.
   */
  async upTo(): Promise<number> {
    const newest = Math.max(this.sealed, await this.store.headPosition());
    if (newest > this.appliedUpTo) {
      await this.delivery.waitFor(meetingsProjection.name, newest, WAIT_MS);
      // While streams follow, only the pump moves on, so none of them misses a batch.
      if (!this.applied.observed) this.appliedUpTo = Math.max(this.appliedUpTo, newest);
    }
    return this.appliedUpTo;
  }

  /**
   * What the projection applies from now on, opening with an empty batch at the position applied
   * so far (so a stream that starts behind it reads what it missed at once).
   */
  follow(): Observable<AppliedBatch> {
    return defer(() => {
      const upTo = this.appliedUpTo;
      // Once subscribed: the pump runs only while someone follows.
      queueMicrotask(() => void this.pump());
      return this.applied.pipe(startWith({ after: upTo, upTo, events: [] }));
    });
  }

  /** The meetings events of the log in (after, upTo], oldest first. */
  async read(after: number, upTo: number): Promise<RecordedEvent[]> {
    const found: RecordedEvent[] = [];
    for (let from = after; from < upTo;) {
      const page = await this.store.readAll({ after: from, upTo, limit: PAGE });
      if (page.length === 0) break;
      found.push(...page.filter(isLiveEvent));
      from = page.at(-1)!.globalPosition!;
    }
    return found;
  }

  private async pump(): Promise<void> {
    if (this.pumping) return;
    this.pumping = true;
    try {
      while (this.running && this.applied.observed && this.sealed > this.appliedUpTo) {
        const goal = this.sealed;
        try {
          await this.delivery.waitFor(meetingsProjection.name, goal, WAIT_MS);
          const after = this.appliedUpTo;
          const events = await this.read(after, goal);
          this.appliedUpTo = goal;
          this.applied.next({ after, upTo: goal, events });
        } catch (error) {
          if (!(error instanceof PositionWaitTimeoutError)) {
            this.logger.warn(error, 'cannot follow the meetings projection; retrying');
          }
          await sleep(RETRY_MS);
        }
      }
    } finally {
      this.pumping = false;
    }
  }
}
