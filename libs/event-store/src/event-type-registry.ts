import type { EventContract } from '@soc/contracts';
import { InvalidAppendError } from './errors.js';

/**
 * Knows every declared event type: refuses undeclared ones on append and upcasts old
 * schema versions to the newest on read.
 *
 * A type renamed since (its contract lists the old name under `formerly`) is read under its
 * current name: events stored under the old name keep it in the database, where their hash
 * covers it, while readers only ever see the current one. Appends take current names only.
 */
export class EventTypeRegistry {
  private readonly contracts = new Map<string, EventContract>();
  /** Former name → current name. */
  private readonly renamed = new Map<string, string>();

  constructor(contracts: readonly EventContract[]) {
    for (const contract of contracts) {
      if (this.contracts.has(contract.type) || this.renamed.has(contract.type)) {
        throw new Error(`Event type ${contract.type} is declared twice`);
      }
      this.contracts.set(contract.type, contract);
    }
    for (const contract of contracts) {
      for (const former of contract.formerly ?? []) {
        const claimed = this.contracts.has(former) ? former : this.renamed.get(former);
        if (claimed !== undefined) {
          throw new Error(
            `Event type ${contract.type} was formerly ${former}, a name ${claimed} already holds`,
          );
        }
        this.renamed.set(former, contract.type);
      }
    }
  }

  /** The current schema version of a type, or an error naming the undeclared type. */
  currentVersion(type: string): number {
    const contract = this.contracts.get(type);
    if (!contract) {
      const current = this.renamed.get(type);
      throw new InvalidAppendError(
        current === undefined
          ? `Event type ${JSON.stringify(type)} is not declared in the contracts`
          : `Event type ${JSON.stringify(type)} is not declared in the contracts (it was renamed ${current})`,
      );
    }
    return contract.schemaVersion;
  }

  /** The name a stored type is read under: its current name if it was renamed, else itself. */
  currentType(storedType: string): string {
    return this.renamed.get(storedType) ?? storedType;
  }

  /** Upcasts a payload stored under a type (current or former name) to the type's newest version. */
  upcast(
    type: string,
    storedVersion: number,
    payload: unknown,
  ): { schemaVersion: number; data: unknown } {
    const contract = this.contracts.get(this.currentType(type));
    if (!contract) return { schemaVersion: storedVersion, data: payload };
    let data = payload;
    for (let version = storedVersion; version < contract.schemaVersion; version++) {
      data = contract.upcasters[version](data as never);
    }
    return { schemaVersion: Math.max(storedVersion, contract.schemaVersion), data };
  }
}
