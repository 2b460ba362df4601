import {
  Body,
  type CanActivate,
  Controller,
  Delete,
  type ExecutionContext,
  Get,
  HttpCode,
  Injectable,
  Param,
  Post,
  Res,
} from '@nestjs/common';
import type { INestApplication } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { Test } from '@nestjs/testing';
import { TypeOrmModule } from '@nestjs/typeorm';
import { IsString, Length } from 'class-validator';
import type { Request, Response } from 'express';
import type { Pool } from 'pg';
import request from 'supertest';
import { createTestDatabase, type TestDatabase } from '@soc/testing';
import { configureHttp } from '../configure-http.js';
import type { RequestWithPrincipal } from '../principal.js';
import { platformMigrations } from '../../migrations/index.js';
import { databaseOptions } from '../../database/database-options.js';
import { IDEMPOTENCY_POOL } from './idempotency.interceptor.js';
import { IdempotencyModule } from './idempotency.module.js';

let db: TestDatabase;

/** Holds handlers until opened: lets a test keep a first request in progress. */
class Gate {
  private opened: Promise<void> = Promise.resolve();
  private open_: () => void = () => undefined;
  entered = 0;

  close(): void {
    this.opened = new Promise((resolve) => (this.open_ = resolve));
  }

  open(): void {
    this.open_();
  }

  async pass(): Promise<void> {
    this.entered++;
    await this.opened;
  }
}

const gate = new Gate();
let failuresLeft = 0;

class NoteBody {
  @IsString()
  @Length(1, 100)
  text!: string;
}

@Controller('probe/notes')
class NotesController {
  @Post()
  async add(@Body() body: NoteBody, @Res({ passthrough: true }) response: Response) {
    await gate.pass();
    if (failuresLeft > 0) {
      failuresLeft--;
      throw new Error('the handler failed');
    }
    const { rows } = await db.pool.query<{ id: string }>(
      `INSERT INTO probe_notes (text) VALUES ($1) RETURNING id::text`,
      [body.text],
    );
    response.location(`/probe/notes/${rows[0].id}`);
    return { id: rows[0].id, text: body.text };
  }

  @Delete(':id')
  @HttpCode(204)
  async remove(@Param('id') id: string): Promise<void> {
    await db.pool.query(`INSERT INTO probe_notes (text) VALUES ($1)`, [`deleted ${id}`]);
  }

  @Get()
  async count() {
    return { notes: await notes() };
  }
}

/** Stands in for the authentication guard: the principal comes from a test header. */
@Injectable()
class TestPrincipalGuard implements CanActivate {
  canActivate(context: ExecutionContext): boolean {
    const req = context.switchToHttp().getRequest<Request & RequestWithPrincipal>();
    const caller = req.headers['x-test-principal'];
    if (typeof caller === 'string') {
      const [personId, organisationId] = caller.split('@');
      req.principal = { personId, organisationId };
    }
    return true;
  }
}

async function notes(): Promise<number> {
  return Number((await db.pool.query(`SELECT count(*) AS n FROM probe_notes`)).rows[0].n);
}

const until = async (condition: () => boolean): Promise<void> => {
  for (let i = 0; i < 500 && !condition(); i++) await new Promise((r) => setTimeout(r, 10));
  expect(condition()).toBe(true);
};

describe('Idempotency-Key (real PostgreSQL, over HTTP)', () => {
  let app: INestApplication;
  let keyNumber = 0;
  const freshKey = () => `key-${Date.now()}-${++keyNumber}`;
  const alice = 'alice@nersou';

  beforeAll(async () => {
    db = await createTestDatabase();
    await db.pool.query(`CREATE TABLE probe_notes (id bigserial PRIMARY KEY, text text NOT NULL)`);
    const moduleRef = await Test.createTestingModule({
      imports: [IdempotencyModule.forRoot({ pool: db.pool })],
      controllers: [NotesController],
      providers: [{ provide: APP_GUARD, useClass: TestPrincipalGuard }],
    }).compile();
    app = moduleRef.createNestApplication({ logger: false });
    configureHttp(app, { title: 'test', description: 'test', version: 'test' });
    await app.init();
  });
  afterAll(async () => {
    await app?.close();
    await db?.drop();
  });
  afterEach(() => {
    gate.open();
    failuresLeft = 0;
  });

  const post = (key: string | undefined, body: object, principal = alice) => {
    const req = request(app.getHttpServer())
      .post('/probe/notes')
      .set('x-test-principal', principal)
      .send(body);
    return key === undefined ? req : req.set('Idempotency-Key', key);
  };

  it('records the migration', async () => {
    const { rows } = await db.pool.query(`SELECT name FROM migrations`);
    expect(rows.map((r) => r.name)).toContain('CreateIdempotencyKeys1764150000000');
  });

  it("uses the pool under TypeORM's DataSource when given none", async () => {
    const moduleRef = await Test.createTestingModule({
      imports: [
        TypeOrmModule.forRoot(
          databaseOptions({
            url: db.url,
            poolSize: 2,
            idleInTransactionTimeoutMs: 60_000,
            migrations: platformMigrations,
          }),
        ),
        IdempotencyModule.forRoot(),
      ],
    }).compile();
    const pool = moduleRef.get<Pool>(IDEMPOTENCY_POOL, { strict: false });
    const { rows } = await pool.query(`SELECT count(*)::int AS n FROM api.idempotency_keys`);
    expect(rows[0].n).toEqual(expect.any(Number));
    await moduleRef.close();
  });

  it('answers a retry with the first answer, without running the command again', async () => {
    const key = freshKey();
    const before = await notes();
    const first = await post(key, { text: 'hello' }).expect(201);
    const again = await post(key, { text: 'hello' }).expect(201);
    expect(again.body).toEqual(first.body);
    expect(again.headers.location).toBe(first.headers.location);
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(first.headers['idempotent-replayed']).toBeUndefined();
    expect(await notes()).toBe(before + 1);
  });

  it('compares bodies by their content, not their bytes', async () => {
    const key = freshKey();
    await request(app.getHttpServer())
      .post('/probe/notes')
      .set('x-test-principal', alice)
      .set('Idempotency-Key', key)
      .set('content-type', 'application/json')
      .send('{ "text" :  "same" }\n')
      .expect(201);
    const again = await post(key, { text: 'same' }).expect(201);
    expect(again.headers['idempotent-replayed']).toBe('true');
  });

  it('replays an answer without a body (204)', async () => {
    const key = freshKey();
    const before = await notes();
    const remove = () =>
      request(app.getHttpServer()).delete('/probe/notes/7').set('Idempotency-Key', key);
    await remove().expect(204);
    const again = await remove().expect(204);
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(await notes()).toBe(before + 1);
  });

  it('refuses the same key for a different request with 422, running nothing', async () => {
    const key = freshKey();
    await post(key, { text: 'first' }).expect(201);
    const before = await notes();
    const other = await post(key, { text: 'second' }).expect(422);
    expect(other.headers['content-type']).toMatch(/application\/problem\+json/);
    expect(other.body).toMatchObject({
      status: 422,
      type: expect.stringMatching(/idempotency-key-reused$/),
    });
    await request(app.getHttpServer())
      .delete('/probe/notes/1')
      .set('x-test-principal', alice)
      .set('Idempotency-Key', key)
      .expect(422);
    expect(await notes()).toBe(before);
  });

  it('answers a duplicate sent while the first still runs with 409 and Retry-After', async () => {
    const key = freshKey();
    const before = await notes();
    gate.close();
    const entered = gate.entered;
    const first = post(key, { text: 'slow' }).then((response) => response);
    await until(() => gate.entered === entered + 1);
    const duplicate = await post(key, { text: 'slow' }).expect(409);
    expect(duplicate.headers['retry-after']).toBe('1');
    expect(duplicate.body).toMatchObject({
      status: 409,
      type: expect.stringMatching(/idempotency-key-in-progress$/),
    });
    gate.open();
    expect((await first).status).toBe(201);
    await post(key, { text: 'slow' }).expect(201).expect('idempotent-replayed', 'true');
    expect(await notes()).toBe(before + 1);
  });

  it('runs a burst of concurrent duplicates once', async () => {
    const key = freshKey();
    const before = await notes();
    const answers = await Promise.all(
      Array.from({ length: 10 }, () => post(key, { text: 'burst' }).then((r) => r)),
    );
    expect(await notes()).toBe(before + 1);
    const ran = answers.filter((a) => a.status === 201 && !a.headers['idempotent-replayed']);
    expect(ran).toHaveLength(1);
    for (const answer of answers) {
      if (answer.status === 201) expect(answer.body).toEqual(ran[0].body);
      else expect(answer.status).toBe(409);
    }
  });

  it('frees the key when the command fails, so that a retry runs', async () => {
    const key = freshKey();
    const before = await notes();
    failuresLeft = 1;
    await post(key, { text: 'flaky' }).expect(500);
    const retried = await post(key, { text: 'flaky' }).expect(201);
    expect(retried.headers['idempotent-replayed']).toBeUndefined();
    await post(key, { text: 'flaky' }).expect(201).expect('idempotent-replayed', 'true');
    expect(await notes()).toBe(before + 1);
  });

  it('does not hold a key for a request refused by validation', async () => {
    const key = freshKey();
    await post(key, { text: '' }).expect(400);
    await post(key, { text: 'corrected' }).expect(201);
  });

  it('keeps the keys of different principals apart', async () => {
    const key = freshKey();
    const before = await notes();
    const forAlice = await post(key, { text: 'mine' }, alice).expect(201);
    const forBob = await post(key, { text: 'mine' }, 'bob@hmrc').expect(201);
    expect(forBob.headers['idempotent-replayed']).toBeUndefined();
    expect(forBob.body.id).not.toBe(forAlice.body.id);
    const aliceAgain = await post(key, { text: 'mine' }, alice).expect(201);
    expect(aliceAgain.body).toEqual(forAlice.body);
    expect(await notes()).toBe(before + 2);
  });

  it('scopes an unauthenticated caller as anonymous', async () => {
    const key = freshKey();
    await request(app.getHttpServer())
      .post('/probe/notes')
      .set('Idempotency-Key', key)
      .send({ text: 'anyone' })
      .expect(201);
    const { rows } = await db.pool.query(
      `SELECT principal, status, response_status FROM api.idempotency_keys WHERE key = $1`,
      [key],
    );
    expect(rows).toEqual([{ principal: 'anonymous', status: 'completed', response_status: 201 }]);
  });

  it.each([
    ['empty', ''],
    ['too long', 'k'.repeat(201)],
    ['with a space', 'my key'],
    ['with a slash', 'a/b'],
    ['not ASCII', 'clé'],
  ])('refuses a malformed key (%s) with 400, running nothing', async (_case, key) => {
    const before = await notes();
    const response = await post(key, { text: 'x' }).expect(400);
    expect(response.body).toMatchObject({
      status: 400,
      type: expect.stringMatching(/idempotency-key-malformed$/),
    });
    expect(await notes()).toBe(before);
  });

  it('accepts a key of 200 characters from the allowed set', async () => {
    const key = `${'A'.repeat(191)}_.:-09azZ`;
    expect(key).toHaveLength(200);
    await post(key, { text: 'long' }).expect(201);
  });

  it('runs commands without a key every time and ignores the key on reads', async () => {
    const before = await notes();
    await post(undefined, { text: 'plain' }).expect(201);
    await post(undefined, { text: 'plain' }).expect(201);
    expect(await notes()).toBe(before + 2);
    await request(app.getHttpServer())
      .get('/probe/notes')
      .set('Idempotency-Key', 'no good')
      .expect(200);
  });

  it('forgets a key after 24 hours', async () => {
    const key = freshKey();
    await post(key, { text: 'yesterday' }).expect(201);
    await db.pool.query(
      `UPDATE api.idempotency_keys SET created_at = now() - interval '25 hours' WHERE key = $1`,
      [key],
    );
    const today = await post(key, { text: 'today' }).expect(201);
    expect(today.body.text).toBe('today');
  });

  it('takes over a key left in progress by a process that died', async () => {
    const key = freshKey();
    await db.pool.query(
      `INSERT INTO api.idempotency_keys (principal, key, method, path, request_hash, status, created_at)
       VALUES ($1, $2, 'POST', '/probe/notes', 'x', 'in-progress', now() - interval '10 minutes')`,
      [alice, key],
    );
    await post(key, { text: 'orphan' }).expect(201);
  });
});
