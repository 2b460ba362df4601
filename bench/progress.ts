import cliProgress from 'cli-progress';

export interface Progress {
  update(value: number, detail?: string): void;
  stop(): void;
}

/** A progress bar on stderr for one phase of the bench. */
export function phaseBar(phase: string, total: number): Progress {
  const bar = new cliProgress.SingleBar(
    {
      format: `${phase.padEnd(22)} [{bar}] {percentage}% | {detail}`,
      stream: process.stderr,
      hideCursor: true,
      clearOnComplete: false,
      etaBuffer: 50,
    },
    cliProgress.Presets.shades_classic,
  );
  bar.start(total, 0, { detail: '' });
  return {
    update: (value, detail) =>
      bar.update(Math.min(total, value), detail === undefined ? {} : { detail }),
    stop: () => bar.stop(),
  };
}
