import { setTimeout as sleep } from 'node:timers/promises';
import type { AuthenticatedAgent } from './test-app.js';

export interface Outcome {
  readonly kind: 'organisation' | 'threat';
  /** The organisation's id, or the threat's code name (its id is only known from a 2xx). */
  readonly key: string;
  /** HTTP status, or 0 when no answer came within the client's timeout. */
  readonly status: number;
  readonly body: Record<string, unknown>;
  readonly retryAfter?: string;
}

/** No request may take longer than this, outage or not: one that does counts as hung. */
export const REQUEST_TIMEOUT_MS = 20_000;

/**
 * Concurrent writers over HTTP, each alternating two commands that feed two projections:
 * registering an organisation (the directory) and registering a threat (the threats views).
 * Every answer is recorded, failures included; nothing is retried.
 */
export class WriteLoad {
  readonly outcomes: Outcome[] = [];
  private running = false;
  private writers: Promise<void>[] = [];

  constructor(
    private readonly admin: AuthenticatedAgent,
    private readonly analyst: AuthenticatedAgent,
    private readonly ownerOrganisationId: string,
    private readonly prefix: string,
  ) {}

  get acknowledged(): number {
    return this.outcomes.filter((o) => o.status >= 200 && o.status < 300).length;
  }

  start(writers = 8): void {
    this.running = true;
    this.writers = Array.from({ length: writers }, (_, w) => this.write(w));
  }

  async stop(): Promise<void> {
    this.running = false;
    await Promise.all(this.writers);
  }

  /** Resolves once `count` more commands have been acknowledged. */
  async untilAcknowledged(count: number, timeoutMs = 60_000): Promise<void> {
    const target = this.acknowledged + count;
    const deadline = Date.now() + timeoutMs;
    while (this.acknowledged < target) {
      if (Date.now() > deadline) throw new Error(`fewer than ${count} commands acknowledged`);
      await sleep(50);
    }
  }

  private async write(writer: number): Promise<void> {
    for (let i = 0; this.running; i++) {
      const key = `${this.prefix}-${writer}-${i}`;
      const outcome = i % 2 === 0 ? await this.organisation(key) : await this.threat(key);
      this.outcomes.push(outcome);
      // A refused command is not hammered again at once: as a client honouring Retry-After would.
      if (outcome.status >= 500 || outcome.status === 0) await sleep(100);
    }
  }

  private organisation(organisationId: string): Promise<Outcome> {
    return this.send('organisation', organisationId, () =>
      this.admin
        .post('/directory/organisations')
        .send({ organisationId, name: `Partner ${organisationId}`, kind: 'statutory-partner' }),
    );
  }

  private threat(codeName: string): Promise<Outcome> {
    return this.send('threat', codeName, () =>
      this.analyst.post('/threats').send({
        ownerOrganisationId: this.ownerOrganisationId,
        kind: 'ocg',
        codeName,
        summary: 'Written while the database was being taken away',
        priorityArea: 'county-lines',
        type: 'tactical',
        tier: 3,
        phase: 'active',
        soc: true,
        lro: {
          personId: `lro-${this.ownerOrganisationId}`,
          organisationId: this.ownerOrganisationId,
        },
        sro: null,
        place: null,
        clearHoldBuildPhase: null,
        marking: 'OFFICIAL',
        signposting: false,
      }),
    );
  }

  private async send(
    kind: Outcome['kind'],
    key: string,
    request: () => PromiseLike<{ status: number; body: unknown; headers: Record<string, string> }>,
  ): Promise<Outcome> {
    try {
      const response = await Promise.race([request(), sleep(REQUEST_TIMEOUT_MS).then(() => null)]);
      if (!response) return { kind, key, status: 0, body: {} };
      return {
        kind,
        key,
        status: response.status,
        body: (response.body ?? {}) as Record<string, unknown>,
        retryAfter: response.headers['retry-after'],
      };
    } catch (error) {
      return { kind, key, status: -1, body: { error: String(error) } };
    }
  }
}
