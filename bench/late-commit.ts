import type { StoreKind } from './contenders.js';
import type { BenchServer } from './server.js';
import { config } from './store-config.js';
import {
  keyOf,
  LATE_WRITERS,
  MAX_SLEEP_MS,
  ROLLBACK_RATE,
  type Committed,
  type Followed,
  type Follower,
} from './store-late-follow.js';
import { emmettTarget, ourTarget, rawTarget } from './store-late-targets.js';

export { LATE_WRITERS };

export interface LateCommitRow {
  readonly label: string;
  readonly appends: number;
  readonly slowCommitted: number;
  readonly slowRolledBack: number;
  /** Committed events: every append, and for raw the slow transactions' committed rows. */
  readonly expected: number;
  readonly delivered: number;
  /** Of which delivered before the writers had finished. */
  readonly whileWriting: number;
  readonly missed: number;
  readonly duplicated: number;
  readonly outOfOrderStreams: number;
  /** Events delivered that were never committed (rolled back): must be 0 everywhere. */
  readonly phantom: number;
  readonly seconds: number;
  readonly note?: string;
}

function judge(
  follower: Follower,
  run: { appends: number; slowCommitted: number; slowRolledBack: number },
  committed: ReadonlySet<string>,
  followed: Followed,
  seconds: number,
): LateCommitRow {
  const unique = new Set<string>();
  let duplicated = 0;
  const maxVersion = new Map<string, number>();
  const outOfOrder = new Set<string>();
  for (const s of followed.seen) {
    const key = keyOf(s);
    if (unique.has(key)) duplicated++;
    unique.add(key);
    const max = maxVersion.get(s.stream) ?? 0;
    if (s.version <= max) outOfOrder.add(s.stream);
    else maxVersion.set(s.stream, s.version);
  }
  let missed = 0;
  for (const key of committed) if (!unique.has(key)) missed++;
  let phantom = 0;
  for (const key of unique) if (!committed.has(key)) phantom++;
  return {
    label: follower.label,
    ...run,
    expected: committed.size,
    delivered: followed.seen.length,
    whileWriting: followed.whileWriting,
    missed,
    duplicated,
    outOfOrderStreams: outOfOrder.size,
    phantom,
    seconds,
    note: follower.note,
  };
}

/**
 * 32 writers append one event at a time to their own streams through the store's public API,
 * while a few connections keep slow transactions open (BEGIN, a write, sleep 0-20 ms, COMMIT,
 * 5 % ROLLBACK) so that transactions commit in another order than they took their ids; the
 * store's own readers follow the log by position, in batches of 50, meanwhile and after.
 */
export async function lateCommitTest(
  server: BenchServer,
  templates: Record<StoreKind, string>,
  kind: StoreKind,
  onAppend: () => void,
  withConsumers = true,
): Promise<LateCommitRow[]> {
  const url = await server.createDatabase(templates[kind]);
  const target =
    kind === 'raw'
      ? rawTarget(url)
      : kind === 'ours'
        ? await ourTarget(url)
        : await emmettTarget(url, withConsumers);
  try {
    const committed = new Set<string>();
    const run = { appends: 0, slowCommitted: 0, slowRolledBack: 0 };
    let writersFinished = false;
    const start = performance.now();
    const slowConnections = await Promise.all(
      Array.from({ length: config.lateSlowConnections }, () => target.slowConnection()),
    );
    const slow = Promise.all(
      slowConnections.map(async (connection) => {
        try {
          while (!writersFinished) {
            const commit = Math.random() >= ROLLBACK_RATE;
            const written = await connection.transact(Math.random() * MAX_SLEEP_MS, commit);
            if (commit) {
              for (const s of written) committed.add(keyOf(s));
              run.slowCommitted++;
            } else {
              run.slowRolledBack++;
            }
          }
        } finally {
          connection.release();
        }
      }),
    );
    const writing = Promise.all(
      Array.from({ length: LATE_WRITERS }, async (_, index) => {
        const append = target.writer(index);
        for (let version = 0; version < config.lateAppendsPerWriter; version++) {
          committed.add(keyOf(await append(version)));
          run.appends++;
          onAppend();
        }
      }),
    );
    // Followers learn the outcome once the writers and the slow transactions are all done.
    const done = writing
      .finally(() => {
        writersFinished = true;
      })
      .then(() => slow)
      .then((): Committed => ({ keys: committed }));
    const following = target.followers.map(async (follower) => {
      const followed = await follower.follow(done.catch(() => ({ keys: committed })));
      return { follower, followed, seconds: (performance.now() - start) / 1000 };
    });
    const failure: unknown = await done.then(
      () => null,
      (error: unknown) => error ?? new Error('A writer failed'),
    );
    const results = await Promise.all(following);
    if (failure) throw failure;
    return results.map(({ follower, followed, seconds }) =>
      judge(follower, run, committed, followed, seconds),
    );
  } finally {
    await target.close();
    await server.dropDatabase(url);
  }
}
