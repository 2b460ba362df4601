import type { RebuildResult } from '@soc/messaging';
import cliProgress from 'cli-progress';
import type { CliOutput } from './projection-commands.js';
import { count } from './projection-state.js';

/** How often a rebuild writes a progress line when stderr is not a terminal (CI, a log file). */
const PLAIN_PROGRESS_EVERY_MS = 5000;

export interface RebuildProgressReport {
  update(applied: number, head: number): void;
  finish(result: RebuildResult | null): void;
}

/** A redrawn bar on a terminal; elsewhere a plain line every few seconds and one at the end. */
export function rebuildProgress(
  stream: CliOutput['progress'],
  name: string,
  head: number,
): RebuildProgressReport {
  const started = performance.now();
  const seconds = () => (performance.now() - started) / 1000;
  const speed = (events: number) => Math.round(events / Math.max(seconds(), 0.001));
  if (stream.isTTY) {
    const bar = new cliProgress.SingleBar(
      {
        format: `rebuilding ${name} |{bar}| {value}/{total} events | {speed} events/s | eta {eta_formatted}`,
        etaBuffer: 50,
        hideCursor: true,
        stream,
      },
      cliProgress.Presets.shades_classic,
    );
    bar.start(Math.max(1, head), 0, { speed: 0 });
    return {
      update: (applied, total) => {
        bar.setTotal(Math.max(total, applied, 1));
        bar.update(applied, { speed: speed(applied) });
      },
      finish: () => bar.stop(),
    };
  }
  let printed = started;
  let last = 0;
  stream.write(`rebuilding ${name}: ${count(head)} events in the log\n`);
  return {
    update: (applied, total) => {
      last = applied;
      if (performance.now() - printed < PLAIN_PROGRESS_EVERY_MS) return;
      printed = performance.now();
      const percent = Math.floor((100 * applied) / Math.max(total, applied, 1));
      stream.write(
        `rebuilding ${name}: ${count(applied)} of ${count(total)} events (${percent} %), ${count(speed(applied))} events/s\n`,
      );
    },
    finish: (result) =>
      stream.write(
        result
          ? `rebuilt ${name}: ${count(result.events)} events in ${result.seconds.toFixed(1)} s, generation ${result.generation}\n`
          : `rebuild of ${name} failed after ${count(last)} events\n`,
      ),
  };
}
