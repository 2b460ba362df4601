import type { EventContract } from '@soc/contracts';
import { InvalidAppendError } from './errors.js';

/**
 * Knows every declared event type: refuses undeclared ones on append and upcasts old
 * schema versions to the newest on read.
 */
export class EventTypeRegistry {
  private readonly contracts = new Map<string, EventContract>();

  constructor(contracts: readonly EventContract[]) {
    for (const contract of contracts) {
      if (this.contracts.has(contract.type)) {
        throw new Error(`Event type ${contract.type} is declared twice`);
      }
      this.contracts.set(contract.type, contract);
    }
  }

  /** The current schema version of a type, or an error naming the undeclared type. */
  currentVersion(type: string): number {
    const contract = this.contracts.get(type);
    if (!contract) {
      throw new InvalidAppendError(
        `Event type ${JSON.stringify(type)} is not declared in the contracts`,
      );
    }
    return contract.schemaVersion;
  }

  upcast(
    type: string,
    storedVersion: number,
    payload: unknown,
  ): { schemaVersion: number; data: unknown } {
    const contract = this.contracts.get(type);
    if (!contract) return { schemaVersion: storedVersion, data: payload };
    let data = payload;
    for (let version = storedVersion; version < contract.schemaVersion; version++) {
      data = contract.upcasters[version](data as never);
    }
    return { schemaVersion: Math.max(storedVersion, contract.schemaVersion), data };
  }
}
