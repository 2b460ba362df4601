import { type EventStore, LeaderLease, Wakeup } from '@soc/event-store';
import type { Pool } from 'pg';
import { projectionLockKey } from './generations.js';
import { LOG_SOURCE, type FeedItem, type ProjectionApplier } from './projection-applier.js';

export interface FeedOptions {
  batchSize?: number;
  /** How long to wait for new events when nobody says there are some. */
  idleMs?: number;
  onError?: (error: unknown) => void;
}

/**
 * Feeds a projection straight from the event store by global position: the embedded mode, with
 * no Kafka. One instance feeds each projection at a time (an advisory-lock lease).
 */
export class EventStoreFeed {
  private running = false;
  private loop: Promise<void> | null = null;
  private readonly wakeup = new Wakeup();
  private stopListening: (() => void) | null = null;
  private readonly lease: LeaderLease;

  constructor(
    pool: Pool,
    private readonly store: EventStore,
    private readonly applier: ProjectionApplier,
    private readonly options: FeedOptions = {},
  ) {
    this.lease = new LeaderLease(pool, projectionLockKey(applier.projection.name, 'feed'));
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.stopListening = this.store.sealer.onSealed(() => this.wakeup.wake());
    this.loop = this.run();
  }

  async stop(): Promise<void> {
    this.running = false;
    this.stopListening?.();
    this.wakeup.wake();
    await this.loop;
    await this.lease.release();
  }

  private async run(): Promise<void> {
    let failures = 0;
    while (this.running) {
      let fed = 0;
      try {
        fed = (await this.lease.tryAcquire()) ? await this.feedOnce() : 0;
        failures = 0;
      } catch (error) {
        failures++;
        this.options.onError?.(error);
      }
      if (fed === 0 && this.running) {
        const idle = this.options.idleMs ?? 250;
        await this.wakeup.sleep(failures > 0 ? Math.min(10_000, idle * 2 ** failures) : idle);
      }
    }
  }

  /** Applies the next batch of the log; returns how many events it covered. */
  async feedOnce(): Promise<number> {
    const after = Math.max(0, await this.applier.position(LOG_SOURCE, -1));
    const events = await this.store.readAll({ after, limit: this.options.batchSize ?? 1000 });
    const items: FeedItem[] = events.map((event) => ({
      position: event.globalPosition!,
      event,
      raw: () => JSON.stringify(event),
    }));
    await this.applier.applyBatch(LOG_SOURCE, -1, items);
    return items.length;
  }
}
