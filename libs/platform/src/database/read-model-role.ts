/**
 * The database role read-model queries run as, so row-level security applies to them. Security
 * creates it (its migrations) and switches to it for each scoped read; delivery grants it what
 * each projection's views show.
 */
export const READ_MODEL_ROLE = 'soc_reader';
