/** At most `limit` requests within any `windowMs` milliseconds. */
export interface RateLimitWindow {
  readonly name: string;
  readonly limit: number;
  readonly windowMs: number;
}

const SWEEP_EVERY_MS = 60_000;

/** Hits still inside the window, oldest first, as the times they leave it. */
function live(expiries: number[] | undefined, now: number): number[] {
  if (!expiries) return [];
  let first = 0;
  while (first < expiries.length && expiries[first] <= now) first++;
  return first === 0 ? expiries : expiries.slice(first);
}

/**
 * Sliding windows in memory, per tracker (a principal, or an address). A refused request is
 * not counted, so a client that waits for `Retry-After` gets through. Each process counts on
 * its own: with several instances behind a balancer the effective limit is per instance.
 */
export class RateLimiter {
  private readonly hits = new Map<string, number[]>();
  private lastSweep = 0;

  constructor(
    readonly windows: readonly RateLimitWindow[],
    private readonly clock: () => number = Date.now,
  ) {}

  /** Counts the request and answers 0, or answers the seconds until it would be allowed. */
  take(tracker: string): number {
    const now = this.clock();
    this.sweep(now);
    const waits = this.windows.map((window) => this.wait(`${window.name}|${tracker}`, window, now));
    const longest = Math.max(0, ...waits);
    if (longest > 0) return Math.max(1, Math.ceil(longest / 1000));
    for (const window of this.windows) this.record(`${window.name}|${tracker}`, window, now);
    return 0;
  }

  private wait(key: string, window: RateLimitWindow, now: number): number {
    const expiries = live(this.hits.get(key), now);
    this.hits.set(key, expiries);
    return expiries.length < window.limit ? 0 : expiries[expiries.length - window.limit] - now;
  }

  private record(key: string, window: RateLimitWindow, now: number): void {
    const expiries = this.hits.get(key) ?? [];
    expiries.push(now + window.windowMs);
    this.hits.set(key, expiries);
  }

  /** Forgets trackers that have gone quiet, so memory follows the active callers only. */
  private sweep(now: number): void {
    if (now - this.lastSweep < SWEEP_EVERY_MS) return;
    this.lastSweep = now;
    for (const [key, expiries] of this.hits) {
      if (live(expiries, now).length === 0) this.hits.delete(key);
    }
  }
}
