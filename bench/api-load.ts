/**
 * Closed-loop HTTP load for the API bench: `clients` loops, each with its own keep-alive
 * connection, send one request, wait for the answer, send the next. The loops run in a worker
 * thread so that the client's own work does not share the server's event loop; latency is
 * measured there, from just before the request is written to the end of the answer's body.
 */
import { Agent, request } from 'node:http';
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';

export interface Target {
  readonly method: 'GET' | 'POST';
  readonly path: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly body?: string;
}

export interface LoadPlan {
  readonly baseUrl: string;
  /** One list per client: each client cycles through its own targets. */
  readonly targets: readonly (readonly Target[])[];
  readonly warmupSeconds: number;
  readonly seconds: number;
}

export interface LoadResult {
  /** Answers to requests sent or answered in the measured window, by status ("error": none). */
  readonly statuses: Readonly<Record<string, number>>;
  readonly ok: number;
  readonly seconds: number;
  /** Latency of the 2xx answers, milliseconds. */
  readonly mean: number;
  readonly p50: number;
  readonly p99: number;
  readonly max: number;
}

type Message =
  | { kind: 'tick'; fraction: number; answers: number }
  | { kind: 'window'; open: boolean }
  | { kind: 'done'; result: LoadResult }
  | { kind: 'failed'; message: string };

const WORKER_FLAG = 'soc-api-load';

export interface LoadHooks {
  /** Progress of the measured window. */
  onTick(fraction: number, answers: number): void;
  /** When the measured window opens and closes, as the worker tells it. */
  onWindow(open: boolean): void;
}

/** Runs the plan in a worker thread. */
export function runLoad(plan: LoadPlan, hooks: LoadHooks): Promise<LoadResult> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(new URL(import.meta.url), {
      workerData: { flag: WORKER_FLAG, plan },
    });
    let settled = false;
    worker.on('message', (message: Message) => {
      if (message.kind === 'tick') hooks.onTick(message.fraction, message.answers);
      else if (message.kind === 'window') hooks.onWindow(message.open);
      else if (message.kind === 'done') {
        settled = true;
        resolve(message.result);
      } else {
        settled = true;
        reject(new Error(message.message));
      }
    });
    worker.once('error', (error) => {
      settled = true;
      reject(error);
    });
    worker.once('exit', (code) => {
      if (!settled) reject(new Error(`load worker exited with code ${code}`));
    });
  });
}

export function percentile(sorted: Float64Array | readonly number[], p: number): number {
  if (sorted.length === 0) return NaN;
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1));
  return sorted[index];
}

function send(agent: Agent, url: URL, target: Target): Promise<number> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string> = { ...target.headers };
    if (target.body !== undefined) {
      headers['content-type'] = 'application/json';
      headers['content-length'] = String(Buffer.byteLength(target.body));
    }
    const req = request(
      {
        host: url.hostname,
        port: url.port,
        path: target.path,
        method: target.method,
        agent,
        headers,
      },
      (res) => {
        res.on('data', () => undefined);
        res.once('end', () => resolve(res.statusCode ?? 0));
        res.once('error', reject);
      },
    );
    req.once('error', reject);
    req.end(target.body);
  });
}

async function drive(plan: LoadPlan): Promise<LoadResult> {
  const url = new URL(plan.baseUrl);
  const agent = new Agent({ keepAlive: true, maxSockets: plan.targets.length });
  const warmupEnd = performance.now() + plan.warmupSeconds * 1000;
  let start = Infinity;
  let end = Infinity;
  const statuses: Record<string, number> = {};
  const latencies: number[] = [];
  let answers = 0;

  const client = async (targets: readonly Target[], offset: number) => {
    for (let i = offset; ; i++) {
      const sent = performance.now();
      if (sent >= end) return;
      let status: string;
      try {
        status = String(await send(agent, url, targets[i % targets.length]));
      } catch {
        status = 'error';
      }
      const answered = performance.now();
      // A request sent or answered in the window has its answer counted, however early or
      // late; the rate and the latency count only those both sent and answered in the window.
      if (sent >= start || (answered >= start && answered <= end)) {
        statuses[status] = (statuses[status] ?? 0) + 1;
      }
      if (sent >= start && answered <= end) {
        answers++;
        if (status.startsWith('2')) latencies.push(answered - sent);
      }
    }
  };

  const loops = plan.targets.map((targets, k) => client(targets, k));
  const windowOpens = new Promise<void>((resolve) =>
    setTimeout(
      () => {
        start = performance.now();
        end = start + plan.seconds * 1000;
        parentPort?.postMessage({ kind: 'window', open: true } satisfies Message);
        setTimeout(
          () => parentPort?.postMessage({ kind: 'window', open: false } satisfies Message),
          plan.seconds * 1000,
        );
        resolve();
      },
      Math.max(0, warmupEnd - performance.now()),
    ),
  );
  await windowOpens;
  const ticker = setInterval(() => {
    const fraction = (performance.now() - start) / (plan.seconds * 1000);
    parentPort?.postMessage({ kind: 'tick', fraction, answers } satisfies Message);
  }, 250);
  await Promise.all(loops);
  clearInterval(ticker);
  agent.destroy();

  const sorted = Float64Array.from(latencies).sort();
  const ok = latencies.length;
  return {
    statuses,
    ok,
    seconds: (end - start) / 1000,
    mean: ok > 0 ? latencies.reduce((a, b) => a + b, 0) / ok : NaN,
    p50: percentile(sorted, 0.5),
    p99: percentile(sorted, 0.99),
    max: sorted.length > 0 ? sorted[sorted.length - 1] : NaN,
  };
}

const data = workerData as { flag?: string; plan?: LoadPlan } | null;
if (!isMainThread && data?.flag === WORKER_FLAG && data.plan) {
  drive(data.plan).then(
    (result) => parentPort?.postMessage({ kind: 'done', result } satisfies Message),
    (error: unknown) =>
      parentPort?.postMessage({
        kind: 'failed',
        message: (error as Error)?.stack ?? String(error),
      } satisfies Message),
  );
}
