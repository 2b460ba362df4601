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
 * every open stream. Nothing is read while no stream is open.
 */
@Injectable()
export class MeetingLiveFeed implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('MeetingLive');
  private readonly applied = new Subject<AppliedBatch>();
  /** Emits once, at shutdown: every open stream ends then. */
  readonly stopped = new Subject<void>();
  private running = false;
  private pumping = false;
  private sealed = 0;
  private appliedUpTo: number | null = null;
  private prime: (position: number) => void = () => undefined;
  private readonly primed = new Promise<number>((resolve) => (this.prime = resolve));
  private stopListening: (() => void) | null = null;

  constructor(
    private readonly store: EventStore,
    private readonly delivery: DeliveryRuntime,
  ) {}

  onApplicationBootstrap(): void {
    this.running = true;
    // The sealer repeats the newest position when idle, so the feed is primed soon after start.
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

  /** The position applied so far, once known; batches carry what follows it. */
  upTo(): Promise<number> {
    return this.appliedUpTo === null ? this.primed : Promise.resolve(this.appliedUpTo);
  }

  /**
   * What the projection applies from now on, opening with an empty batch at the position applied
   * so far (so a stream that starts behind it reads what it missed at once). Call once primed.
   */
  follow(): Observable<AppliedBatch> {
    return defer(() => {
      const upTo = this.appliedUpTo ?? 0;
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
      while (this.running && this.sealed > (this.appliedUpTo ?? 0)) {
        const goal = this.sealed;
        try {
          await this.delivery.waitFor(meetingsProjection.name, goal, WAIT_MS);
          await this.publish(goal);
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

  private async publish(goal: number): Promise<void> {
    const after = this.appliedUpTo;
    if (after === null) {
      this.appliedUpTo = goal;
      this.prime(goal);
      return;
    }
    // With nobody listening there is nothing to read: a stream opened later starts from here.
    const events = this.applied.observed ? await this.read(after, goal) : [];
    this.appliedUpTo = goal;
    this.applied.next({ after, upTo: goal, events });
  }
}
