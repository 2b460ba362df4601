/** Prints rows as a table with padded columns: first column left-aligned, the rest right-aligned. */
export function formatTable(
  header: readonly string[],
  rows: readonly (readonly string[])[],
): string {
  const all = [header, ...rows];
  const widths = header.map((_, c) => Math.max(...all.map((row) => (row[c] ?? '').length)));
  const line = (row: readonly string[]) =>
    row
      .map((cell, c) => (c === 0 ? cell.padEnd(widths[c]) : cell.padStart(widths[c])))
      .join('   ')
      .trimEnd();
  const rule = widths.map((w) => '-'.repeat(w)).join('   ');
  return [line(header), rule, ...rows.map(line)].join('\n');
}

export function rate(value: number): string {
  return Math.round(value).toLocaleString('en-GB');
}

export function ratio(a: number, b: number): string {
  return b > 0 ? (a / b).toFixed(2) : 'n/a';
}

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

/** Half the range (max - min) as a fraction of the median: how far repetitions swing either way. */
export function halfRange(values: readonly number[]): number {
  const mid = median(values);
  return mid > 0 ? (Math.max(...values) - Math.min(...values)) / 2 / mid : 0;
}

/** "12,345 ±6%": the median and ± half the range in per cent of it; the median alone for one value. */
export function medianRate(values: readonly number[]): string {
  const text = rate(median(values));
  return values.length > 1 ? `${text} ±${Math.round(halfRange(values) * 100)}%` : text;
}

/** "0.93 (0.88-1.02)": a median ratio and the lowest and highest of the per-repetition ratios. */
export function ratioRange(ratios: readonly number[]): string {
  const text = median(ratios).toFixed(2);
  if (ratios.length < 2) return text;
  return `${text} (${Math.min(...ratios).toFixed(2)}-${Math.max(...ratios).toFixed(2)})`;
}
