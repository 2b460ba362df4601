import { createServer, type Server, Socket } from 'node:net';

/**
 * A TCP proxy in front of PostgreSQL that can cut a connection at a chosen moment, to test what
 * happens when a client loses its connection around a commit.
 */
export class CuttableProxy {
  private server: Server | null = null;
  private readonly pairs = new Set<[Socket, Socket]>();
  /** When set, the next server-to-client bytes are dropped and both sides closed. */
  private cutBeforeReply = false;
  /** When set, the next client-to-server bytes are dropped and both sides closed. */
  private cutBeforeForward = false;

  constructor(
    private readonly targetHost: string,
    private readonly targetPort: number,
  ) {}

  async listen(): Promise<number> {
    this.server = createServer((client) => {
      const upstream = new Socket();
      const pair: [Socket, Socket] = [client, upstream];
      this.pairs.add(pair);
      const close = () => {
        client.destroy();
        upstream.destroy();
        this.pairs.delete(pair);
      };
      upstream.connect(this.targetPort, this.targetHost);
      client.on('data', (chunk) => {
        if (this.cutBeforeForward) {
          this.cutBeforeForward = false;
          return close();
        }
        upstream.write(chunk);
      });
      upstream.on('data', (chunk) => {
        if (this.cutBeforeReply) {
          this.cutBeforeReply = false;
          return close();
        }
        client.write(chunk);
      });
      client.on('error', close).on('close', close);
      upstream.on('error', close).on('close', close);
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    return (this.server!.address() as { port: number }).port;
  }

  /** The next request reaches the server and runs, but its answer never comes back. */
  loseNextReply(): void {
    this.cutBeforeReply = true;
  }

  /** The next request never reaches the server. */
  loseNextRequest(): void {
    this.cutBeforeForward = true;
  }

  async close(): Promise<void> {
    for (const [a, b] of this.pairs) {
      a.destroy();
      b.destroy();
    }
    await new Promise<void>((resolve) =>
      this.server ? this.server.close(() => resolve()) : resolve(),
    );
  }
}
