import { setTimeout as sleep } from 'node:timers/promises';

/** The late-commit test's parts shared by its driver (late-commit.ts) and its targets. */

export const LATE_WRITERS = 32;
/** Longest sleep of a slow transaction between its write and its COMMIT. */
export const MAX_SLEEP_MS = 20;
/** Share of slow transactions that roll back. */
export const ROLLBACK_RATE = 0.05;
export const FOLLOW_BATCH = 50;

/** One delivery of an event to a follower; an event is known by its stream and version. */
export interface Seen {
  readonly stream: string;
  readonly version: number;
}

export const keyOf = (s: Seen) => `${s.stream}#${s.version}`;

export interface Committed {
  /** Every committed event, by keyOf. */
  readonly keys: ReadonlySet<string>;
}

export interface Followed {
  readonly seen: Seen[];
  /** Deliveries made before the last writer finished: shows the follower really ran concurrently. */
  readonly whileWriting: number;
}

export interface Follower {
  readonly label: string;
  readonly note?: string;
  /** Follows until the writers are done and it has caught up; returns every delivery. */
  follow(writersDone: Promise<Committed>): Promise<Followed>;
}

/** A connection of its own, for slow transactions. */
export interface SlowConnection {
  /** BEGIN, one write, sleep, then COMMIT or ROLLBACK; resolves with the events it wrote (raw only). */
  transact(sleepMs: number, commit: boolean): Promise<readonly Seen[]>;
  release(): void;
}

export interface Target {
  /** A writer with its own stream: appends one event at `version` through the store's public API. */
  writer(index: number): (version: number) => Promise<Seen>;
  slowConnection(): Promise<SlowConnection>;
  followers: Follower[];
  close(): Promise<void>;
}

/**
 * Polls `read` (which advances its own checkpoint) in small batches. Once the writers are done
 * and `beforeDrain` has returned, a short batch means the follower has caught up.
 */
export async function poll(
  read: () => Promise<Seen[]>,
  writersDone: Promise<Committed>,
  beforeDrain: (committed: Committed) => Promise<void> = async () => undefined,
): Promise<Followed> {
  const seen: Seen[] = [];
  let committed: Committed | null = null;
  let whileWriting = 0;
  void writersDone.then((c) => {
    committed = c;
    whileWriting = seen.length;
  });
  let draining = false;
  for (;;) {
    const finalPass = draining;
    const batch = await read();
    seen.push(...batch);
    if (batch.length >= FOLLOW_BATCH) continue;
    if (finalPass) return { seen, whileWriting };
    if (committed) {
      await beforeDrain(committed);
      draining = true;
    } else {
      await sleep(2);
    }
  }
}
