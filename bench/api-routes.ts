/**
 * What the API bench sends: the callers, the threats they work on (registered over HTTP before
 * the first cell), and each route's requests.
 *
 * The command is a progress update on a 4P action: the path most commands take (load the
 * threat's stream, the policy on the action, the pure decision, the append at the loaded
 * version, the wait for its global position). Registering a threat would skip the load and the
 * policy on a record, and only ever append to a new stream.
 */
import type { Principal } from '@soc/security';
import { BARE_PATH } from './api-app.js';
import type { Target } from './api-load.js';

export const ORGANISATION = 'cleveland-police';
const PURPOSE = 'MARSOC meeting preparation, bench threat';
const NOTE = 'Evidence pack submitted to legal services';

/** Client k acts as its own analyst, so that the rate limiter and the access log see people. */
export const callerOf = (k: number): Principal => ({
  personId: `bench-analyst-${k}`,
  organisationId: ORGANISATION,
  roles: ['analyst', 'lro'],
});

export interface BenchThreat {
  readonly threatId: string;
  readonly actionId: string;
}

export type RouteName = 'bare' | 'command' | 'view';

export const ROUTE_LABELS: Record<RouteName, string> = {
  bare: 'bare route: POST /bench/bare (one INSERT)',
  command: 'command: POST /threats/{id}/actions/{aid}/progress',
  view: 'view: GET /threats/{id}/plan (X-Purpose)',
};

const registerBody = (n: number) => ({
  ownerOrganisationId: ORGANISATION,
  kind: 'ocg',
  codeName: `OPERATION BENCH ${n}`,
  summary: 'County lines supply into Hartlepool from Merseyside',
  priorityArea: 'county-lines',
  type: 'tactical',
  tier: 2,
  phase: 'active',
  soc: true,
  lro: { personId: 'bench-lro', organisationId: ORGANISATION },
  marking: 'OFFICIAL',
  signposting: false,
});

async function post<T>(baseUrl: string, token: string, path: string, body: object): Promise<T> {
  const response = await fetch(`${baseUrl}${path}`, {
    method: 'POST',
    headers: {
      authorization: `Bearer ${token}`,
      'content-type': 'application/json',
      'x-purpose': PURPOSE,
    },
    body: JSON.stringify(body),
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`POST ${path}: ${response.status} ${text}`);
  return JSON.parse(text) as T;
}

/**
 * Each threat gets one named person (so that every read of its plan opens a sealed name and
 * logs the disclosure) and one proposed action (which takes progress updates).
 */
export async function registerThreats(
  baseUrl: string,
  token: string,
  count: number,
  concurrency: number,
  onThreat: (done: number) => void,
): Promise<BenchThreat[]> {
  const threats: BenchThreat[] = new Array<BenchThreat>(count);
  let next = 0;
  let done = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      for (let n = next++; n < count; n = next++) {
        const { threatId } = await post<{ threatId: string }>(
          baseUrl,
          token,
          '/threats',
          registerBody(n),
        );
        await post(baseUrl, token, `/threats/${threatId}/plan/people`, {
          name: `Person ${n}`,
          role: 'principal',
        });
        const { actionId } = await post<{ actionId: string }>(
          baseUrl,
          token,
          `/threats/${threatId}/actions`,
          {
            category: 'pursue',
            description: 'Closure order on the cuckooed flat',
            owner: { personId: 'bench-officer', organisationId: ORGANISATION },
            dueDate: new Date(Date.now() + 30 * 86_400_000).toISOString().slice(0, 10),
          },
        );
        threats[n] = { threatId, actionId };
        onThreat(++done);
      }
    }),
  );
  return threats;
}

/**
 * Client k of `clients` works on threats k, k + clients, k + 2 clients...: no two clients touch
 * one stream, so a 409 means something other than two clients racing on a threat.
 */
export function targetsFor(
  route: RouteName,
  clients: number,
  tokens: readonly string[],
  threats: readonly BenchThreat[],
): Target[][] {
  return Array.from({ length: clients }, (_, k) => {
    const authorization = `Bearer ${tokens[k]}`;
    if (route === 'bare') {
      const body = JSON.stringify({ note: NOTE });
      return [{ method: 'POST', path: BARE_PATH, headers: { authorization }, body }];
    }
    const own = threats.filter((_, i) => i % clients === k);
    if (route === 'command') {
      const body = JSON.stringify({ note: NOTE });
      return own.map(({ threatId, actionId }) => ({
        method: 'POST',
        path: `/threats/${threatId}/actions/${actionId}/progress`,
        headers: { authorization },
        body,
      }));
    }
    return own.map(({ threatId }) => ({
      method: 'GET',
      path: `/threats/${threatId}/plan`,
      headers: { authorization, 'x-purpose': PURPOSE },
    }));
  });
}
