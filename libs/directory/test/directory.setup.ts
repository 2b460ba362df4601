import type { Role } from '@soc/security';
import {
  principal,
  startTestApp,
  type AuthenticatedAgent,
  type Caller,
  type TestApp,
} from '../../../test/support/test-app.js';

export { principal, type Caller };

export const ROOT = 'nersou';
export const CLEVELAND = 'cleveland-police';
export const DURHAM = 'durham-constabulary';

export const admin = (organisationId: string) => principal(organisationId, ['admin']);
export const someone = (organisationId: string, role: Role) => principal(organisationId, [role]);

export const callers = {
  root: principal(ROOT, ['admin'], 'nersou-admin'),
  clevelandAdmin: principal(CLEVELAND, ['admin'], 'cleveland-admin'),
  clevelandAnalyst: principal(CLEVELAND, ['analyst'], 'cleveland-analyst'),
  clevelandLro: principal(CLEVELAND, ['lro'], 'cleveland-lro'),
  clevelandPartner: principal(CLEVELAND, ['partner-officer'], 'cleveland-partner'),
  durhamAdmin: principal(DURHAM, ['admin'], 'durham-admin'),
  durhamAnalyst: principal(DURHAM, ['analyst'], 'durham-analyst'),
  auditor: principal('hmicfrs', ['auditor'], 'hmicfrs-auditor'),
} satisfies Record<string, Caller>;

/** The body of `POST /directory/organisations`. */
export interface OrganisationRegistration {
  organisationId: string;
  name: string;
  kind: string;
}

export const cleveland: OrganisationRegistration = {
  organisationId: CLEVELAND,
  name: 'Cleveland Police',
  kind: 'police-force',
};

export const durham: OrganisationRegistration = {
  organisationId: DURHAM,
  name: 'Durham Constabulary',
  kind: 'police-force',
};

/** A person as `GET /directory/people/:personId` shows them. */
export interface PersonView {
  personId: string;
  organisationId: string;
  displayName: string | null;
  erased: boolean;
  roles: string[];
  globalPosition: number;
}

/** One row of `GET /audit/personal-data-access`. */
export interface AccessLogEntry {
  operation: string;
  personId: string;
  organisationId: string;
  recordType: string;
  recordId: string;
  subjectIds: string[];
  disclosedTo: string | null;
  purpose: string;
}

/** What a command answers: where its event landed. */
export interface Written {
  streamId: string;
  streamVersion: number;
  globalPosition: number;
}

export interface DirectoryHarnessOptions {
  /** Registered before the first test, in this order; by default Cleveland and Durham. */
  organisations?: OrganisationRegistration[];
  /** Who registers them; by default `callers.root`. */
  registrar?: Caller;
}

/**
 * The directory over HTTP on the standalone app and real PostgreSQL. Called at describe level:
 * registers the `beforeAll` that starts the app and registers the organisations, and the
 * `afterAll` that closes it. The helpers may be taken at describe level and called from a hook
 * or a test on.
 */
export function directoryHarness({
  organisations = [cleveland, durham],
  registrar = callers.root,
}: DirectoryHarnessOptions = {}) {
  let app: TestApp | undefined;
  const registered = new Map<string, number>();
  const started = (): TestApp => {
    if (!app) throw new Error('The directory test app is used before it has started');
    return app;
  };

  const as = (caller: Caller, purpose?: string): Promise<AuthenticatedAgent> =>
    started().as(caller, purpose);

  const enrol = async (
    personId: string,
    displayName: string,
    roles: Role[],
    organisationId = CLEVELAND,
    by: Caller = callers.clevelandAdmin,
  ): Promise<Written> => {
    const { body } = await (
      await as(by)
    )
      .post(`/directory/organisations/${organisationId}/people`)
      .send({ personId, displayName, roles })
      .expect(201);
    return body as Written;
  };

  const readPerson = async (personId: string, minPosition: number, caller: Caller) =>
    (
      await (
        await as(caller, 'Checking a colleague before a MARSOC meeting')
      )
        .get(`/directory/people/${personId}`)
        .query({ minPosition })
        .expect(200)
    ).body as PersonView;

  const accessLog = async (subject: string): Promise<AccessLogEntry[]> =>
    (
      await (
        await as(callers.auditor, 'Annual s.62 audit')
      )
        .get('/audit/personal-data-access')
        .query({ subject })
        .expect(200)
    ).body;

  /** Every stored event row, all columns, as text: where a plain name must never appear. */
  const eventRowsMentioning = async (text: string): Promise<number> => {
    const { rows } = await started().db.pool.query<{ n: string }>(
      `SELECT count(*) AS n FROM event_store.events e WHERE strpos(e::text, $1) > 0`,
      [text],
    );
    return Number(rows[0].n);
  };

  /** A GET with a token but no X-Purpose header. */
  const withoutPurpose = async (caller: Caller, path: string) => {
    const t = started();
    const token = await t.tokenFor(caller);
    return t.http().get(path).set('authorization', `Bearer ${token}`);
  };

  /** The global position at which an organisation of the setup was registered. */
  const registeredAt = (organisationId: string): number => {
    const position = registered.get(organisationId);
    if (position === undefined) {
      throw new Error(`${organisationId} is not registered by the directory test setup`);
    }
    return position;
  };

  beforeAll(async () => {
    app = await startTestApp();
    const agent = await as(registrar);
    for (const organisation of organisations) {
      const { body } = await agent.post('/directory/organisations').send(organisation).expect(201);
      registered.set(organisation.organisationId, (body as Written).globalPosition);
    }
  });
  afterAll(() => app?.close());

  return {
    /** The started app: read it inside a hook or a test, not at describe level. */
    get t(): TestApp {
      return started();
    },
    as,
    enrol,
    readPerson,
    accessLog,
    eventRowsMentioning,
    withoutPurpose,
    registeredAt,
  };
}
