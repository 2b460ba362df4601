// Plain JavaScript (typed with JSDoc) so that jest's global setup, which runs outside jest's
// module system, can import it natively as well as the TypeScript tests.
//
// A real single-node Apache Kafka (KRaft, broker and controller in one JVM) for the integration
// tests, without Docker: the jars come from Maven Central through `mvn` (test/kafka/pom.xml) into
// the git-ignored .cache/kafka/<version>/lib, and the broker runs with plain `java`.
import { Buffer } from 'node:buffer';
import { spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import {
  closeSync,
  existsSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { createServer } from 'node:net';
import { dirname, join, resolve } from 'node:path';
import { clearTimeout, setTimeout } from 'node:timers';
import { fileURLToPath } from 'node:url';
import { Kafka, logLevel } from 'kafkajs';

/**
 * @typedef {object} KafkaBrokerOptions
 * @property {string} dataDir Folder for the broker's storage, configuration and logs; created
 *   when missing. Storage is formatted on first use and kept after that (restart() keeps the
 *   data); starting again on a formatted folder needs the same controllerPort as before.
 * @property {number} [port] PLAINTEXT port (default: a free one).
 * @property {number} [controllerPort] KRaft CONTROLLER port (default: a free one).
 * @property {number} [startTimeoutMs] How long to wait for the broker to answer (default 60 s).
 *
 * @typedef {object} RunningKafkaBroker
 * @property {string} brokers Bootstrap address, "127.0.0.1:PORT".
 * @property {number} port
 * @property {number} controllerPort
 * @property {string} logFile The broker's own log (log4j), in dataDir.
 * @property {() => Promise<void>} stop SIGTERM (controlled shutdown), SIGKILL after 20 s.
 * @property {() => Promise<void>} kill SIGKILL, as in a crash.
 * @property {() => Promise<void>} restart Stops it if running, then starts it again on the same
 *   ports and data; resolves when it answers.
 */

const HERE = dirname(fileURLToPath(import.meta.url));
const REPO_ROOT = resolve(HERE, '..', '..');
const POM = join(HERE, 'pom.xml');
const NODE_ID = 1;
const STOP_GRACE_MS = 20_000;

/** The Kafka version, read from the pom so that there is one place to change it. */
function kafkaVersion() {
  const match = /<kafka\.version>([^<]+)<\/kafka\.version>/.exec(readFileSync(POM, 'utf8'));
  if (!match) throw new Error(`No <kafka.version> property in ${POM}`);
  return match[1].trim();
}

/**
 * @param {string} command
 * @param {string[]} args
 * @param {{ cwd?: string }} [options]
 * @returns {Promise<string>} stdout and stderr together
 */
function run(command, args, options = {}) {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(command, args, { cwd: options.cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    /** @type {Buffer[]} */
    const output = [];
    child.stdout.on('data', (/** @type {Buffer} */ chunk) => output.push(chunk));
    child.stderr.on('data', (/** @type {Buffer} */ chunk) => output.push(chunk));
    child.once('error', (error) =>
      reject(new Error(`Could not run ${command}: ${error.message}`, { cause: error })),
    );
    child.once('close', (code, signal) => {
      const text = Buffer.concat(output).toString('utf8');
      if (code === 0) resolvePromise(text);
      else
        reject(
          new Error(
            `${command} ${args.join(' ')} failed (${signal ?? `exit code ${code}`}):\n${text.trim()}`,
          ),
        );
    });
  });
}

/**
 * The folder of Kafka jars (`.cache/kafka/<version>/lib` at the repository root), copied from
 * Maven Central with `mvn` when missing. A marker file, written last and holding a hash of the
 * pom, tells a complete download from an interrupted one (or one made from an older pom).
 * @returns {Promise<string>}
 */
export async function ensureKafkaJars() {
  const versionDir = join(REPO_ROOT, '.cache', 'kafka', kafkaVersion());
  const lib = join(versionDir, 'lib');
  const marker = join(versionDir, 'complete');
  const pomHash = createHash('sha256').update(readFileSync(POM)).digest('hex');
  const complete = () => existsSync(marker) && readFileSync(marker, 'utf8').trim() === pomHash;
  if (complete()) return lib;

  process.stderr.write('fetching Kafka jars from Maven Central...\n');
  mkdirSync(versionDir, { recursive: true });
  // Download beside the final folder and rename it into place, so that two runs at once do not
  // trample each other's files.
  for (const name of readdirSync(versionDir)) {
    const owner = /^lib\.(\d+)\.tmp$/.exec(name);
    if (owner && !isAlive(Number(owner[1]))) {
      rmSync(join(versionDir, name), { recursive: true, force: true });
    }
  }
  const staging = join(versionDir, `lib.${process.pid}.tmp`);
  try {
    await run('mvn', [
      '-B',
      '-q',
      '-f',
      POM,
      'dependency:copy-dependencies',
      `-DoutputDirectory=${staging}`,
    ]).catch((/** @type {unknown} */ error) => {
      throw new Error(
        'Could not fetch the Kafka jars with Maven (needs `mvn` on the PATH and Maven Central ' +
          'reachable). Set KAFKA_BROKERS to use a running broker, or TEST_KAFKA=off to run ' +
          `without Kafka.\n${error instanceof Error ? error.message : String(error)}`,
      );
    });
    if (complete()) return lib; // another run finished first
    rmSync(marker, { force: true });
    rmSync(lib, { recursive: true, force: true });
    renameSync(staging, lib);
    writeFileSync(marker, `${pomHash}\n`);
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
  return lib;
}

/** @param {number} pid */
function isAlive(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return /** @type {NodeJS.ErrnoException} */ (error).code === 'EPERM';
  }
}

/**
 * Free ports on 127.0.0.1, held together until all are known so that they differ.
 * @param {number} count
 * @returns {Promise<number[]>}
 */
async function freePorts(count) {
  /** @type {import('node:net').Server[]} */
  const servers = [];
  try {
    const ports = [];
    for (let i = 0; i < count; i += 1) {
      const server = createServer();
      servers.push(server);
      ports.push(
        await new Promise((resolvePromise, reject) => {
          server.once('error', reject);
          server.listen(0, '127.0.0.1', () =>
            resolvePromise(/** @type {import('node:net').AddressInfo} */ (server.address()).port),
          );
        }),
      );
    }
    return /** @type {number[]} */ (ports);
  } finally {
    await Promise.all(
      servers.map((server) => new Promise((resolvePromise) => server.close(resolvePromise))),
    );
  }
}

/** @param {string} text */
function xmlEscape(text) {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;');
}

/**
 * log4j2 configuration: everything into one file in the data folder, nothing on our stdout.
 * @param {string} logFile
 */
function log4jConfig(logFile) {
  return `<?xml version="1.0" encoding="UTF-8"?>
<Configuration status="error">
  <Appenders>
    <File name="server" fileName="${xmlEscape(logFile)}" append="true">
      <PatternLayout pattern="[%d] %p %m (%c)%n"/>
    </File>
  </Appenders>
  <Loggers>
    <Root level="info"><AppenderRef ref="server"/></Root>
    <Logger name="kafka.request.logger" level="warn"/>
    <Logger name="state.change.logger" level="warn"/>
    <Logger name="org.apache.kafka.storage.internals.log.LogCleaner" level="warn"/>
  </Loggers>
</Configuration>
`;
}

/**
 * @param {{ port: number, controllerPort: number, logDirs: string }} settings
 */
function serverProperties({ port, controllerPort, logDirs }) {
  return `${[
    'process.roles=broker,controller',
    `node.id=${NODE_ID}`,
    `listeners=PLAINTEXT://127.0.0.1:${port},CONTROLLER://127.0.0.1:${controllerPort}`,
    `advertised.listeners=PLAINTEXT://127.0.0.1:${port}`,
    'listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT',
    'inter.broker.listener.name=PLAINTEXT',
    'controller.listener.names=CONTROLLER',
    // Kafka 4.x dynamic quorum: the storage is formatted with --standalone, so no static voters.
    `controller.quorum.bootstrap.servers=127.0.0.1:${controllerPort}`,
    `log.dirs=${logDirs}`,
    'num.partitions=1',
    'default.replication.factor=1',
    'min.insync.replicas=1',
    'auto.create.topics.enable=false',
    'group.initial.rebalance.delay.ms=0',
    'offsets.topic.replication.factor=1',
    'offsets.topic.num.partitions=1',
    'transaction.state.log.replication.factor=1',
    'transaction.state.log.min.isr=1',
    'transaction.state.log.num.partitions=1',
    'share.coordinator.state.topic.replication.factor=1',
    'share.coordinator.state.topic.min.isr=1',
    // After a SIGKILL the restarted broker cannot register again until the controller has timed
    // out its previous session (9 s by default): keep that short.
    'broker.heartbeat.interval.ms=500',
    'broker.session.timeout.ms=4000',
    'log.segment.bytes=16777216',
    'log.index.size.max.bytes=1048576',
  ].join('\n')}\n`;
}

/** A Kafka cluster id: 16 random bytes, base64url without padding (not starting with "-"). */
function clusterId() {
  for (;;) {
    const id = randomBytes(16).toString('base64url');
    if (!id.startsWith('-')) return id;
  }
}

/**
 * The last lines of a file, or a note that it is missing.
 * @param {string} file
 * @param {number} lines
 */
function tail(file, lines) {
  if (!existsSync(file)) return `(no ${file})`;
  const text = readFileSync(file, 'utf8').trimEnd();
  return text ? text.split('\n').slice(-lines).join('\n') : `(${file} is empty)`;
}

/**
 * The first distinct ERROR and "Caused by" lines of the broker's log: the root cause of a failed
 * start-up is often far above its last lines.
 * @param {string} file
 * @param {number} max
 */
function errorLines(file, max) {
  if (!existsSync(file)) return '';
  const lines = readFileSync(file, 'utf8')
    .split('\n')
    .filter((line) => /^\[[^\]]*\] (ERROR|FATAL) |^Caused by: /.test(line));
  return [...new Set(lines)].slice(0, max).join('\n');
}

/** @param {number} ms */
const sleep = (ms) => new Promise((resolvePromise) => setTimeout(resolvePromise, ms));

/** The java binary: $JAVA_HOME/bin/java when set, else `java` on the PATH. */
function javaBinary() {
  return process.env.JAVA_HOME ? join(process.env.JAVA_HOME, 'bin', 'java') : 'java';
}

/**
 * Brokers still running in this process, killed when it exits however it exits (a normal end,
 * process.exit, an uncaught error). A watchdog shell (below) covers this process being killed.
 * @type {Set<import('node:child_process').ChildProcess>}
 */
const running = new Set();
process.once('exit', () => {
  for (const child of running) child.kill('SIGKILL');
});

/**
 * If this process dies without its 'exit' handlers running (SIGKILL, a jest worker killed on
 * timeout), a small detached shell notices within a second and kills the broker.
 * @param {number} brokerPid
 */
function startWatchdog(brokerPid) {
  const script =
    'while kill -0 "$1" 2>/dev/null && kill -0 "$2" 2>/dev/null; do sleep 1; done; ' +
    'kill -0 "$2" 2>/dev/null && kill -9 "$2"';
  const watchdog = spawn(
    'sh',
    ['-c', script, 'kafka-watchdog', String(process.pid), String(brokerPid)],
    {
      detached: true,
      stdio: 'ignore',
    },
  );
  watchdog.on('error', () => undefined);
  watchdog.unref();
  return watchdog;
}

/**
 * Starts a real single-node Kafka broker (KRaft, combined broker and controller) on 127.0.0.1
 * with its storage in `dataDir`, formatting the storage on first use. Resolves once the broker
 * answers a metadata request from a client.
 * @param {KafkaBrokerOptions} options
 * @returns {Promise<RunningKafkaBroker>}
 */
export async function startKafkaBroker(options) {
  const lib = await ensureKafkaJars();
  const dataDir = resolve(options.dataDir);
  const [port, controllerPort] =
    options.port !== undefined && options.controllerPort !== undefined
      ? [options.port, options.controllerPort]
      : await freePorts(2).then(([a, b]) => [options.port ?? a, options.controllerPort ?? b]);
  if (port === controllerPort) throw new Error(`Kafka port and controller port are both ${port}`);
  const startTimeoutMs = options.startTimeoutMs ?? 60_000;
  const brokers = `127.0.0.1:${port}`;

  const logDirs = join(dataDir, 'kraft-logs');
  const logFile = join(dataDir, 'server.log');
  const jvmOutput = join(dataDir, 'jvm.out');
  const propertiesFile = join(dataDir, 'server.properties');
  const log4jFile = join(dataDir, 'log4j2.xml');
  mkdirSync(dataDir, { recursive: true });
  writeFileSync(propertiesFile, serverProperties({ port, controllerPort, logDirs }));
  writeFileSync(log4jFile, log4jConfig(logFile));

  // What bin/kafka-run-class.sh would pass, with a smaller heap. The log4j2 file sends every log
  // line to server.log; the JVM's own output (crashes, early errors) goes to jvm.out.
  const jvmFlags = [
    '-Xms256m',
    '-Xmx512m',
    '-XX:+UseG1GC',
    '-XX:MaxGCPauseMillis=20',
    '-Djava.awt.headless=true',
    `-Dlog4j2.configurationFile=${log4jFile}`,
    '-cp',
    join(lib, '*'),
  ];

  if (!existsSync(join(logDirs, 'meta.properties'))) {
    await run(javaBinary(), [
      ...jvmFlags,
      'kafka.tools.StorageTool',
      'format',
      '--cluster-id',
      clusterId(),
      '--config',
      propertiesFile,
      '--standalone',
    ]).catch((/** @type {unknown} */ error) => {
      throw new Error(`Could not format Kafka storage in ${logDirs}: ${String(error)}`);
    });
  }

  /** @type {import('node:child_process').ChildProcess | undefined} */
  let child;
  /** @type {Promise<void>} */
  let exited = Promise.resolve();

  const describeFailure = () => {
    const errors = errorLines(logFile, 10);
    return (
      (errors ? `\n--- errors in ${logFile} ---\n${errors}` : '') +
      `\n--- last lines of ${logFile} ---\n${tail(logFile, 30)}` +
      `\n--- last lines of ${jvmOutput} ---\n${tail(jvmOutput, 20)}`
    );
  };

  /** @param {NodeJS.Signals} signal */
  const signalAndWait = async (signal) => {
    const current = child;
    if (!current) return;
    current.ref(); // keep this process alive until the exit is seen
    current.kill(signal);
    if (signal === 'SIGKILL') {
      await exited;
      return;
    }
    /** @type {NodeJS.Timeout | undefined} */
    let timer;
    const timeout = new Promise((resolvePromise) => {
      timer = setTimeout(resolvePromise, STOP_GRACE_MS, 'timeout');
    });
    try {
      if ((await Promise.race([exited, timeout])) === 'timeout') {
        current.kill('SIGKILL');
        await exited;
      }
    } finally {
      clearTimeout(timer);
    }
  };

  const start = async () => {
    const out = openSync(jvmOutput, 'a');
    let proc;
    try {
      proc = spawn(javaBinary(), [...jvmFlags, 'kafka.Kafka', propertiesFile], {
        cwd: dataDir,
        stdio: ['ignore', out, out],
      });
    } finally {
      closeSync(out);
    }
    /** @type {import('node:child_process').ChildProcess} */
    const current = proc;
    child = current;
    /** @type {{ code: number | null, signal: NodeJS.Signals | null, error?: Error } | undefined} */
    let exitInfo;
    /** @type {import('node:child_process').ChildProcess | undefined} */
    let watchdog;
    exited = /** @type {Promise<void>} */ (
      new Promise((resolvePromise) => {
        current.once('error', (error) => {
          exitInfo = { code: null, signal: null, error };
          resolvePromise(undefined);
        });
        current.once('exit', (code, signal) => {
          exitInfo = { code, signal };
          resolvePromise(undefined);
        });
      })
    ).then(() => {
      running.delete(current);
      if (child === current) child = undefined;
      watchdog?.kill('SIGKILL');
    });
    running.add(current);
    current.unref();
    if (current.pid) watchdog = startWatchdog(current.pid);

    const deadline = Date.now() + startTimeoutMs;
    for (;;) {
      if (exitInfo) {
        throw new Error(
          exitInfo.error
            ? `Could not start ${javaBinary()}: ${exitInfo.error.message}`
            : `Kafka broker exited during start-up (${exitInfo.signal ?? `exit code ${exitInfo.code}`})` +
                describeFailure(),
        );
      }
      if (await answers(brokers)) return;
      if (Date.now() > deadline) {
        await signalAndWait('SIGKILL');
        throw new Error(
          `Kafka broker did not answer on ${brokers} within ${Math.round(startTimeoutMs / 1000)} s` +
            ` (data in ${dataDir})${describeFailure()}`,
        );
      }
      await sleep(250);
    }
  };

  await start();
  return {
    brokers,
    port,
    controllerPort,
    logFile,
    stop: () => signalAndWait('SIGTERM'),
    kill: () => signalAndWait('SIGKILL'),
    restart: async () => {
      await signalAndWait('SIGTERM');
      await start();
    },
  };
}

/**
 * Whether the broker answers a client's metadata request and lists itself (so it is registered
 * and unfenced, ready for topics).
 * @param {string} brokers
 */
async function answers(brokers) {
  const admin = new Kafka({
    clientId: 'kafka-broker-probe',
    brokers: [brokers],
    logLevel: logLevel.NOTHING,
    connectionTimeout: 1_000,
    requestTimeout: 2_000,
    retry: { retries: 0 },
  }).admin();
  try {
    await admin.connect();
    const cluster = await admin.describeCluster();
    return cluster.brokers.some((broker) => broker.nodeId === NODE_ID);
  } catch {
    return false;
  } finally {
    await admin.disconnect().catch(() => undefined);
  }
}
