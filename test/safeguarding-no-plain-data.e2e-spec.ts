import { randomUUID } from 'node:crypto';
import { isoDate } from '@soc/platform';
import { deliveryEnv, deliveryModes } from './support/marsoc-partnership.js';
import {
  captureLogs,
  databaseAsText,
  dateNeedle,
  findNeedles,
  type Located,
  needle,
  type Needle,
  topicsAsText,
  whereFound,
} from './support/plain-data-sweep.js';
import {
  type AuthenticatedAgent,
  principal,
  startTestApp,
  type TestApp,
} from './support/test-app.js';

const DAY = 86_400_000;
const day = (offset: number) => isoDate(new Date(Date.now() + offset * DAY));

/** Said on every read: no personal data in it, as the access log keeps it in the clear. */
const PURPOSE = 'Strategy discussion under the safeguarding partnership arrangements';

interface Subject {
  givenName: string;
  familyName: string;
  alsoKnownAs: string[];
  dateOfBirth: string;
  address: string;
  street: string;
  postcode: string;
  otherIdentifiers: { kind: string; value: string }[];
}

/** Whom the referrals are about: names, dates and places found nowhere else in the system. */
const SUBJECTS: Subject[] = [
  {
    givenName: 'Zéphyrine',
    familyName: 'Quillfeather-Abernethy',
    alsoKnownAs: ['Moonwhistle'],
    dateOfBirth: '2010-07-19',
    address: '7 Glimmerbrook Close, Hartlepool TS25 9ZQ',
    street: 'Glimmerbrook Close',
    postcode: 'TS25 9ZQ',
    otherIdentifiers: [{ kind: 'nhs-number', value: '485 777 3456' }],
  },
  {
    givenName: 'Thaddeus',
    familyName: 'Okonkwo-Vanderhoek',
    alsoKnownAs: ['Spindrift'],
    dateOfBirth: '2008-11-03',
    address: 'Flat 3, 22 Marlinspike Row, Hartlepool TS24 0XW',
    street: 'Marlinspike Row',
    postcode: 'TS24 0XW',
    otherIdentifiers: [{ kind: 'school-pupil-number', value: 'UPN-K93728461045' }],
  },
  {
    givenName: 'Ffion',
    familyName: 'Braithwaite-Nakamura',
    alsoKnownAs: ['Little Corvid'],
    dateOfBirth: '2012-02-29',
    address: '41 Wrenthorpe Gardens, Stockton-on-Tees TS18 7JU',
    street: 'Wrenthorpe Gardens',
    postcode: 'TS18 7JU',
    otherIdentifiers: [{ kind: 'police-national-computer', value: 'PNC 19/884213X' }],
  },
  {
    givenName: 'Eulalie',
    familyName: 'Fitzgerald-Mbatha',
    alsoKnownAs: ['Lalie Fitz'],
    dateOfBirth: '1969-05-14',
    address: '9 Cobblestrand Mews, Middlesbrough TS1 4QB',
    street: 'Cobblestrand Mews',
    postcode: 'TS1 4QB',
    otherIdentifiers: [{ kind: 'national-insurance-number', value: 'QZ 48 61 93 C' }],
  },
  {
    givenName: 'Oisín',
    familyName: 'Ravensworth-Adeyemi',
    alsoKnownAs: ['Tinderbox'],
    dateOfBirth: '2009-09-09',
    address: '118 Halcyon Quay, Redcar TS10 6YN',
    street: 'Halcyon Quay',
    postcode: 'TS10 6YN',
    otherIdentifiers: [{ kind: 'nhs-number', value: '612 093 8877' }],
  },
];

/** What each referral's officer saw: a phrase common to all, and a word of each's own. */
const ACCOUNTS = ['Ardent', 'Bellwether', 'Cinnabar', 'Dunmore', 'Everglow'].map(
  (word) => `Saffron-coloured moped ${word} seen handing packages near the flat`,
);

/** The free text of the referrals' lives, each with a phrase of its own near its start. */
const TEXT = {
  officerNote: 'Nightjar Pavilion youth club: spoke to the aunt there',
  receiverNote: 'Larkspur Academy head teacher booked for a strategy meeting',
  closure: 'Peregrine Lane conference agreed a child protection plan',
  unsuccessful: 'Tollgate Spinney address left by the family before the visit',
  decline: 'Wychwood early help team has had the family open since October',
  withdrawal: 'Kittiwake Parade address was mistyped: wrong family',
  consentNote: 'Amberdale clinic appointment recorded the consent',
};

/** The first two words: enough to find a text cut short, as a preview or a truncated log. */
const opening = (text: string) =>
  text
    .split(/[\s:]+/)
    .slice(0, 2)
    .join(' ');

const subjectNeedles = (subject: Subject, i: number): Needle[] => [
  needle(`subject ${i + 1} given name`, subject.givenName),
  needle(`subject ${i + 1} family name`, subject.familyName),
  ...subject.familyName
    .split('-')
    .map((part) => needle(`subject ${i + 1} family name part ${part}`, part)),
  ...subject.alsoKnownAs.map((aka) => needle(`subject ${i + 1} also known as`, aka)),
  dateNeedle(`subject ${i + 1} date of birth`, subject.dateOfBirth),
  needle(`subject ${i + 1} address`, subject.address),
  needle(`subject ${i + 1} street`, subject.street),
  needle(`subject ${i + 1} postcode`, subject.postcode),
  ...subject.otherIdentifiers.map((id) => needle(`subject ${i + 1} ${id.kind}`, id.value)),
  needle(`referral ${i + 1} account`, ACCOUNTS[i]),
  needle(`referral ${i + 1} account's own word`, ACCOUNTS[i].split(' ')[2]),
];

const NEEDLES: Needle[] = [
  ...SUBJECTS.flatMap(subjectNeedles),
  needle('the accounts’ phrase', 'Saffron-coloured moped'),
  ...Object.entries(TEXT).flatMap(([name, text]) => [
    needle(`the ${name} text`, text),
    needle(`the ${name} text's opening`, opening(text)),
  ]),
];

/**
 * No plain personal data on the wire or at rest (issue 14, item 8): referrals whose subjects'
 * data pass through the application over HTTP, then a sweep of the whole database, of every
 * message on the run's Kafka topics and of every line the application logged finds none of it.
 */
describe.each(deliveryModes)('safeguarding: no plain personal data anywhere (%s)', (mode) => {
  const kafka = mode === 'delivery over Kafka';
  const run = randomUUID().slice(0, 6);
  const topicPrefix = `plain-data-${run}`;
  const org = {
    cleveland: `cleveland-police-${run}`,
    childrens: `hartlepool-childrens-services-${run}`,
    rocu: `nerocu-${run}`,
  };
  const callers = {
    officer: principal(org.cleveland, ['safeguarding-officer'], `cleveland-so-${run}`),
    receiver: principal(org.childrens, ['safeguarding-officer'], `hartlepool-so-${run}`),
    auditor: principal(`hmicfrs-${run}`, ['auditor']),
    analyst: principal(org.rocu, ['analyst']),
  };
  let t: TestApp;
  let logs: ReturnType<typeof captureLogs>;
  const as = {} as Record<keyof typeof callers, AuthenticatedAgent>;
  const referralIds: string[] = [];
  let threatId = '';
  let position = 0;

  beforeAll(async () => {
    t = await startTestApp({ env: deliveryEnv(mode, topicPrefix) });
    logs = captureLogs(t.app);
    for (const [name, caller] of Object.entries(callers)) {
      as[name as keyof typeof callers] = await t.as(caller, PURPOSE);
    }
    const { body } = await as.analyst
      .post('/threats')
      .send({
        ownerOrganisationId: org.rocu,
        kind: 'ocg',
        codeName: 'OPERATION LANTERN',
        summary: 'County line running from Teesside into Hartlepool',
        priorityArea: 'county-lines',
        type: 'tactical',
        tier: 2,
        phase: 'active',
        soc: true,
        lro: { personId: `rocu-lro-${run}`, organisationId: org.rocu },
        marking: 'OFFICIAL',
        signposting: false,
        registeredOn: day(-30),
      })
      .expect(201);
    threatId = body.threatId;
  });
  afterAll(() => t?.close());

  /** Runs a command and keeps the position it reached, for the reads to wait for. */
  const step = async (caller: keyof typeof callers, path: string, body: object, status = 200) => {
    const answer = await as[caller].post(path).send(body);
    expect({ status: answer.status, body: answer.body }).toMatchObject({ status });
    position = Math.max(position, answer.body.globalPosition);
    return answer.body;
  };

  const raise = async (subject: Subject, i: number, disclosure: object) => {
    const { street: _street, postcode: _postcode, ...fields } = subject;
    const body = await step(
      'officer',
      '/referrals',
      {
        referrer: { personId: callers.officer.personId, organisationId: org.cleveland },
        receivingOrganisationId: org.childrens,
        threatId,
        subject: fields,
        concerns: i % 2 === 0 ? ['county-lines', 'cuckooing'] : ['child-criminal-exploitation'],
        account: ACCOUNTS[i],
        urgency: i === 0 ? 'immediate' : 'standard',
        ...disclosure,
      },
      201,
    );
    referralIds.push(body.referralId);
    return (action: string) => `/referrals/${body.referralId}/${action}`;
  };

  it('raises, answers, notes and closes referrals, and shows their subjects to those permitted', async () => {
    const lawful = { lawfulBasis: 'children-act-2004-s11' };
    const closed = await raise(SUBJECTS[0], 0, lawful);
    await step('receiver', closed('acknowledgement'), {});
    await step('receiver', closed('acceptance'), {});
    await step('officer', closed('notes'), { text: TEXT.officerNote }, 201);
    await step('receiver', closed('notes'), { text: TEXT.receiverNote }, 201);
    await step('receiver', closed('closure'), {
      outcome: 'successful',
      reason: 'support-in-place',
      explanation: TEXT.closure,
    });
    const declined = await raise(SUBJECTS[1], 1, lawful);
    await step('receiver', declined('declination'), {
      reason: 'already-known-and-supported',
      explanation: TEXT.decline,
    });
    const withdrawn = await raise(SUBJECTS[2], 2, lawful);
    await step('officer', withdrawn('withdrawal'), {
      reason: 'raised-in-error',
      explanation: TEXT.withdrawal,
    });
    const unsuccessful = await raise(SUBJECTS[3], 3, { lawfulBasis: 'care-act-2014-s42' });
    await step('receiver', unsuccessful('acknowledgement'), {});
    await step('receiver', unsuccessful('acceptance'), {});
    await step('receiver', unsuccessful('closure'), {
      outcome: 'unsuccessful',
      reason: 'subject-not-located',
      explanation: TEXT.unsuccessful,
    });
    const consented = await raise(SUBJECTS[4], 4, {
      consent: { givenBy: 'parent-or-guardian', givenOn: day(-2) },
    });
    await step('receiver', consented('acknowledgement'), {});
    await step('receiver', consented('notes'), { text: TEXT.consentNote }, 201);

    const seen: Located[] = [];
    for (const reader of ['officer', 'receiver', 'auditor'] as const) {
      for (const referralId of referralIds) {
        const { body } = await as[reader]
          .get(`/referrals/${referralId}`)
          .query({ minPosition: position, waitMs: 20_000 })
          .expect(200);
        expect(body.personalData).toMatchObject({ erased: false });
        seen.push({ where: `${reader} read ${referralId}`, text: JSON.stringify(body) });
      }
    }
    // Every value did pass through the application: the sweeps below can find it if it leaked.
    const shown = new Set(findNeedles(seen, NEEDLES).map((found) => found.split(' as "')[0]));
    expect(NEEDLES.map((n) => n.label).filter((label) => !shown.has(label))).toEqual([]);
  });

  it('leaves none of it in any table of the database', async () => {
    const { method, texts } = await databaseAsText(t.db);
    expect(texts.length).toBeGreaterThan(0);
    for (const referralId of referralIds) {
      expect({ method, referralId, where: whereFound(texts, referralId) }).toMatchObject({
        where: expect.arrayContaining([expect.stringMatching(/^event_store\.events /)]),
      });
    }
    expect(whereFound(texts, 'cuckooing')).not.toEqual([]);
    expect(whereFound(texts, PURPOSE).join('\n')).toMatch(/^security\.personal_data_access_log/m);
    expect({ method, found: findNeedles(texts, NEEDLES) }).toEqual({ method, found: [] });
  });

  (kafka ? it : it.skip)('sends none of it in any Kafka message, key or header', async () => {
    const { rows } = await t.db.pool.query<{ n: string }>(
      `SELECT count(*) AS n FROM event_store.events WHERE event_type LIKE 'safeguarding.%'`,
    );
    const events = Number(rows[0].n);
    const topic = `${topicPrefix}.safeguarding.events`;
    const onTopic = (texts: readonly Located[]) =>
      texts.filter(({ where }) => where.startsWith(`${topic} `) && where.endsWith(' value'));
    const { topics, texts } = await topicsAsText(
      process.env.TEST_KAFKA_BROKERS!,
      topicPrefix,
      (received) => onTopic(received).length >= events,
    );
    expect(topics).toEqual(expect.arrayContaining([topic, `${topic}.dlq`]));
    expect(onTopic(texts)).toHaveLength(events);
    for (const referralId of referralIds) {
      expect(whereFound(onTopic(texts), referralId)).not.toEqual([]);
    }
    expect(findNeedles(texts, NEEDLES)).toEqual([]);
  });

  it('logs none of it, in the request lines of the commands and of the permitted reads', async () => {
    const texts = logs.texts();
    expect(texts.length).toBeGreaterThan(0);
    const requests = texts.filter(({ text }) => /"msg":"request completed"/.test(text));
    const posts = (url: RegExp) =>
      requests.filter(({ text }) => /"method":"POST"/.test(text) && url.test(text));
    expect(posts(/"url":"\/referrals"/)).toHaveLength(SUBJECTS.length);
    expect(posts(/"url":"\/referrals\/[^"]+\/notes"/)).toHaveLength(3);
    expect(posts(/"url":"\/referrals\/[^"]+\/(declination|withdrawal|closure)"/)).toHaveLength(4);
    for (const referralId of referralIds) {
      expect(whereFound(requests, `"url":"/referrals/${referralId}?`)).toHaveLength(3);
    }
    expect(whereFound(requests, PURPOSE)).not.toEqual([]);
    expect(findNeedles(texts, NEEDLES)).toEqual([]);
  });
});
