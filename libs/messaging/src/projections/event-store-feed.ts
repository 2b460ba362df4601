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
  /** Newest sealed position the sealer announced. */
  private sealed = 0;
  /**
   * Where the last batch this instance fed ended, used instead of reading the checkpoint again;
   * null when it must be read (after a start, a failure, leadership regained, or a full batch).
   * It can only lag the checkpoint (a rebuild's switch or another instance moves it forward),
   * and the applier skips what the checkpoint already covers, so a stale value costs a re-read.
   */
  private fedUpTo: number | null = null;
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
    this.fedUpTo = null;
    this.sealed = 0;
    // Woken only by news: the sealer also repeats the newest position when it sealed nothing.
    this.stopListening = this.store.sealer.onSealed((position) => {
      if (position <= this.sealed) return;
      this.sealed = position;
      this.wakeup.wake();
    });
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
        const leading = this.lease.held;
        if (await this.lease.tryAcquire()) {
          if (!leading) this.fedUpTo = null;
          fed = await this.feedOnce();
        }
        failures = 0;
      } catch (error) {
        failures++;
        this.fedUpTo = null;
        this.options.onError?.(error);
      }
      // A short batch took everything sealed when it was read; anything sealed since has woken
      // the feed already (a wake while busy cuts the next sleep), so no empty read in between.
      if (this.running && (failures > 0 || fed < this.batchSize)) {
        const idle = this.options.idleMs ?? 250;
        await this.wakeup.sleep(failures > 0 ? Math.min(10_000, idle * 2 ** failures) : idle);
      }
    }
  }

  private get batchSize(): number {
    return this.options.batchSize ?? 1000;
  }

  /** Applies the next batch of the log; returns how many events it covered. */
  async feedOnce(): Promise<number> {
    const after = this.fedUpTo ?? Math.max(0, await this.applier.position(LOG_SOURCE, -1));
    this.fedUpTo = null;
    const events = await this.store.readAll({ after, limit: this.batchSize });
    const items: FeedItem[] = events.map((event) => ({
      position: event.globalPosition!,
      event,
      raw: () => JSON.stringify(event),
    }));
    await this.applier.applyBatch(LOG_SOURCE, -1, items);
    // A full batch may be catching up behind a checkpoint moved elsewhere: read it next time.
    if (items.length < this.batchSize) this.fedUpTo = items.at(-1)?.position ?? after;
    return items.length;
  }
}
