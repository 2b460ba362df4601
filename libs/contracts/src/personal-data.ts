/**
 * Personal data inside an event payload is stored sealed: encrypted (AES-256-GCM) under a key
 * that belongs to one data subject. Erasing the subject deletes the key; the event stays and
 * its hash still verifies, but the value can no longer be read.
 */
export interface SealedPersonalData {
  readonly $personal: 1;
  /** `<kind>:<id>`, e.g. `person:durham-lro-1`. */
  readonly subject: string;
  readonly iv: string;
  readonly data: string;
  readonly tag: string;
}

/** A personal field: sealed when written by this system; plain in events from before sealing. */
export type PersonalField<T> = T | SealedPersonalData;
