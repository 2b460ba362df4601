/** Transaction-level advisory lock that serialises sealing rounds (the restore path takes it too). */
export const SEAL_ROUND_LOCK = 0x50c5ea2;
/** Shared transaction-level advisory lock every appending transaction holds from before its first write. */
export const APPEND_LOCK = 0x50c5ea3;
