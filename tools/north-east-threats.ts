import { createHash } from 'node:crypto';
import {
  type ActionCategory,
  type ActionProposedV1,
  type ClearHoldBuildPhase,
  type Marking,
  type MorileOutputs,
  type MorileScores,
  type PersonRef,
  type PlanUpdatedV1,
  PRIORITY_AREAS,
  type ThreatAssessmentRecordedV1,
  type ThreatKind,
  type ThreatRegisteredV1,
  type ThreatType,
} from '@soc/contracts';
import type { Role } from '@soc/security';
import { v5 as uuidv5 } from 'uuid';
import { northEastPeople, type SeedPerson } from './north-east-region.js';

/*
 * The north-east's SOC master list for the seed: a 2021 history that reproduces the inspection's
 * figures on 10 January 2022 (with decoys of every kind the counting rule excludes), then a few
 * live plans dated relative to today. Every id comes from a fixed namespace, so a second run
 * finds every stream already written and appends nothing.
 */

/** The inspection's date and what the counting rule must give on it. */
export const INSPECTION_DATE = '2022-01-10';
export const COUNTED_ON_INSPECTION_DATE: Readonly<Record<string, number>> = {
  'cleveland-police': 29,
  'durham-constabulary': 32,
  nersou: 39,
  'northumbria-police': 42,
};

const NAMESPACE = '54da11f5-557c-4be2-b862-2f6e4763c7ae';
/** A stable UUID (v5) for a name in the seed's namespace. */
export const seedId = (name: string) => uuidv5(`north-east/${name}`, NAMESPACE);

export const SEED_PURPOSE = 'sample data loaded by npm run seed';

/** The seed's vocabulary: one fact of a threat's history, with the ids it gives new records. */
export type SeedCommand =
  | (Omit<ThreatRegisteredV1, 'threatId' | 'kind'> & {
      readonly kind: 'register';
      readonly threatKind: ThreatKind;
    })
  | { readonly kind: 'change-tier'; readonly tier: number; readonly reason: string }
  | { readonly kind: 'change-phase'; readonly phase: string }
  | { readonly kind: 'change-lro'; readonly lro: PersonRef; readonly sro: PersonRef | null }
  | { readonly kind: 'close'; readonly reason: string }
  | (Omit<ThreatAssessmentRecordedV1, 'threatId'> & { readonly kind: 'record-assessment' })
  | { readonly kind: 'moderate-assessment'; readonly assessmentId: string; readonly note: string }
  | { readonly kind: 'return-assessment'; readonly assessmentId: string; readonly reason: string }
  | (Omit<PlanUpdatedV1, 'threatId'> & { readonly kind: 'update-plan' })
  | { readonly kind: 'share-plan'; readonly organisationIds: string[] }
  | {
      readonly kind: 'add-person';
      readonly involvementId: string;
      readonly subjectId: string;
      /** In clear: the handler seals it. */
      readonly name: string;
      readonly role: string;
    }
  | (Omit<ActionProposedV1, 'threatId'> & { readonly kind: 'propose-action' })
  | { readonly kind: 'agree-action'; readonly actionId: string }
  | { readonly kind: 'start-action'; readonly actionId: string }
  | { readonly kind: 'record-progress'; readonly actionId: string; readonly note: string }
  | { readonly kind: 'complete-action'; readonly actionId: string; readonly outcome: string };

/** One fact of a threat's history: when it happened (UTC), who did it, the command. */
export interface SeedStep {
  readonly at: string;
  readonly actor: SeedPerson;
  readonly command: SeedCommand;
}

export interface SeedThreat {
  readonly threatId: string;
  readonly ownerOrganisationId: string;
  readonly codeName: string;
  readonly steps: readonly SeedStep[];
}

// ----- deterministic choices -----

/** A number in [0, 1) drawn from a name: the same name always draws the same number. */
function draw(name: string): number {
  return createHash('sha256').update(name).digest().readUInt32BE(0) / 2 ** 32;
}
const between = (name: string, min: number, max: number) =>
  min + Math.floor(draw(name) * (max - min + 1));
const pick = <T>(name: string, list: readonly T[]): T => list[between(name, 0, list.length - 1)];

const DAY_MS = 86_400_000;
export function addDays(date: string, days: number): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + days * DAY_MS).toISOString().slice(0, 10);
}
/** A moment in office hours on a date; `order` keeps several facts of one day in sequence. */
const instant = (date: string, name: string, order = 0) => {
  const minutes = 8 * 60 + order * 90 + between(name, 0, 80);
  const hh = String(Math.floor(minutes / 60)).padStart(2, '0');
  const mm = String(minutes % 60).padStart(2, '0');
  return `${date}T${hh}:${mm}:00.000Z`;
};

// ----- the region -----

const CLEVELAND = 'cleveland-police';
const DURHAM = 'durham-constabulary';
const NERSOU = 'nersou';
const NORTHUMBRIA = 'northumbria-police';

interface Owner {
  readonly organisationId: string;
  readonly places: readonly string[];
  readonly court: string;
  readonly modelVersion: string;
  /** Shifts the priority areas so each force's list starts somewhere else. */
  readonly offset: number;
}

const OWNERS: Readonly<Record<string, Owner>> = {
  [CLEVELAND]: {
    organisationId: CLEVELAND,
    places: [
      'Hartlepool',
      'Middlesbrough',
      'Stockton-on-Tees',
      'Redcar',
      'Thornaby',
      'Billingham',
      'Guisborough',
    ],
    court: 'Teesside Crown Court',
    modelVersion: 'MoRiLE 2.1',
    offset: 0,
  },
  [DURHAM]: {
    organisationId: DURHAM,
    places: [
      'Durham City',
      'Darlington',
      'Peterlee',
      'Consett',
      'Bishop Auckland',
      'Newton Aycliffe',
      'Seaham',
      'Chester-le-Street',
    ],
    court: 'Durham Crown Court',
    modelVersion: 'MoRiLE 2.0',
    offset: 3,
  },
  [NERSOU]: {
    organisationId: NERSOU,
    places: [
      'Teesside and Tyneside',
      'the north-east',
      'the A1 and A19 corridors',
      'Wearside and County Durham',
      'Teesport and Tyne port',
    ],
    court: 'Newcastle Crown Court',
    modelVersion: 'MoRiLE 2.2',
    offset: 5,
  },
  [NORTHUMBRIA]: {
    organisationId: NORTHUMBRIA,
    places: [
      'Newcastle upon Tyne',
      'Sunderland',
      'Gateshead',
      'South Shields',
      'North Shields',
      'Blyth',
      'Ashington',
      'Washington',
    ],
    court: 'Newcastle Crown Court',
    modelVersion: 'MoRiLE 2.1',
    offset: 6,
  },
};

type PriorityArea = (typeof PRIORITY_AREAS)[number];

const ACTIVITY: Record<PriorityArea, readonly string[]> = {
  'drug-trafficking': [
    'wholesale supply of cocaine and cannabis into {place}',
    'cannabis factories run in rented houses around {place}',
  ],
  'economic-crime': [
    'laundering of drug cash through cash-intensive businesses in {place}',
    'invoice and investment fraud against small businesses in {place}',
  ],
  'county-lines': [
    'a county line supplying crack cocaine and heroin into {place}',
    'a deal line using children to run drugs between {place} and Merseyside',
  ],
  'child-sexual-exploitation': [
    'sexual exploitation of children in care met through parties in {place}',
    'grooming of teenagers online and at takeaways in {place}',
  ],
  'modern-slavery': [
    'forced labour in hand car washes around {place}',
    'sexual exploitation of trafficked women in brothels in {place}',
  ],
  cybercrime: [
    'ransomware attacks on businesses and schools in {place}',
    'phishing and SIM-swap fraud run from {place}',
  ],
  'organised-acquisitive-crime': [
    'theft of high-value vehicles by keyless relay across {place}',
    'metal and catalytic converter theft around {place}',
  ],
  firearms: [
    'supply of converted and reactivated firearms to groups in {place}',
    'storage and hire of firearms to drug supply groups in {place}',
  ],
};

const RATIONALES = [
  'Test purchases and neighbourhood intelligence confirm supply continues',
  'Financial investigation shows the group’s cash flow still growing',
  'Two linked serious assaults in the last quarter',
  'Source reporting corroborated by ANPR and telephony',
  'Housing reports of cuckooed addresses match police intelligence',
  'Intelligence from partners shows new victims identified',
];
const MODERATION_NOTES = [
  'Scores consistent with the regional picture',
  'Harm and likelihood agreed at the ROCTA moderation panel',
  'Confidence lowered to match single-source intelligence; agreed',
  'Consistent with comparable groups across the region',
];
const RETURN_REASONS = [
  'Harm score rests on 2019 intelligence; refresh the basis and re-score',
  'Likelihood not evidenced: no intelligence newer than the arrest phase',
];
const CLOSE_REASONS = [
  'Principals convicted at {court}; the group is dismantled',
  'No intelligence of activity for twelve months; archived',
  'Merged into a regional threat held by NERSOU',
  'Principal remanded and associates absorbed into another mapped group',
];

/** Code names: OPERATION <WORD>, one word each, never reused. */
const WORDS = `KESTREL CURLEW HARRIER DIPPER OSPREY MERLIN DUNLIN PLOVER LAPWING SKYLARK WAGTAIL
BUNTING LINNET SISKIN REDPOLL FIELDFARE REDWING WHEATEAR STONECHAT WHINCHAT KINGFISHER HERON
EGRET BITTERN GANNET FULMAR PUFFIN GUILLEMOT RAZORBILL KITTIWAKE CORMORANT EIDER GOOSANDER
MERGANSER TEAL WIGEON PINTAIL SHOVELER GADWALL GOSHAWK BUZZARD HOBBY PEREGRINE NIGHTJAR SWIFT
MARTIN SWALLOW NUTHATCH TREECREEPER THRUSH BLACKBIRD STARLING JACKDAW ROOK RAVEN MAGPIE CHOUGH
CROSSBILL GOLDCREST FIRECREST WARBLER WHITETHROAT BLACKCAP CHIFFCHAFF REDSTART FLYCATCHER ORIOLE
HOOPOE WOODCOCK SNIPE GODWIT WHIMBREL SANDERLING TURNSTONE REDSHANK GREENSHANK AVOCET
OYSTERCATCHER TERN SKUA PETREL SHEARWATER GREBE MOORHEN COOT CRAKE QUAIL PARTRIDGE GROUSE
PTARMIGAN DOTTEREL ROWAN ALDER HAZEL ASPEN BIRCH LARCH WILLOW HAWTHORN BLACKTHORN ELDER HOLLY
JUNIPER YEW SYCAMORE HORNBEAM LINDEN BRACKEN HEATHER GORSE BRAMBLE THISTLE TEASEL SORREL YARROW
TANSY VERVAIN BETONY CAMPION BLUEBELL COWSLIP PRIMROSE FOXGLOVE MALLOW CLOVER FLINT GRANITE
BASALT SHALE SLATE GARNET AGATE JASPER ONYX QUARTZ COBALT FLUORSPAR GALENA IRONSTONE WHINSTONE
SANDSTONE LIMESTONE COPPER PEWTER BRONZE SLEET HAAR FRET SQUALL GALE TEMPEST THUNDER DRIZZLE
FROST RIME CAIRN FELL MOOR TARN BECK BURN DENE SCAR CRAG HEUGH STAITHE WHARF QUAY HARBOUR BEACON
LANTERN ANVIL FORGE FURNACE KILN LATHE RIVET GIRDER BOLLARD CAPSTAN ANCHOR HALYARD KEEL COBLE
TRAWLER COLLIER LUGGER KETCH`
  .split(/\s+/)
  .filter(Boolean);

class CodeNames {
  private next = 0;
  private readonly taken = new Set<string>();
  take(word?: string): string {
    if (word) {
      this.taken.add(word);
      return `OPERATION ${word}`;
    }
    while (this.next < WORDS.length && this.taken.has(WORDS[this.next])) this.next++;
    const chosen = WORDS[this.next++];
    if (!chosen) throw new Error('The seed ran out of code names: add words to WORDS');
    this.taken.add(chosen);
    return `OPERATION ${chosen}`;
  }
}

// ----- who acts -----

class Cast {
  private readonly people = northEastPeople();

  one(organisationId: string, role: Role): SeedPerson {
    const person = this.people.find(
      (p) => p.organisationId === organisationId && p.roles.includes(role),
    );
    if (!person) throw new Error(`The seeded region has no ${role} at ${organisationId}`);
    return person;
  }

  lros(organisationId: string): SeedPerson[] {
    return this.people.filter(
      (p) => p.organisationId === organisationId && p.roles.includes('lro'),
    );
  }

  get moderator() {
    return this.one(NERSOU, 'rocta-moderator');
  }
}

const ref = (person: SeedPerson): PersonRef => ({
  personId: person.personId,
  organisationId: person.organisationId,
});

// ----- building histories -----

class History {
  private readonly steps: SeedStep[] = [];
  constructor(
    readonly threatId: string,
    readonly ownerOrganisationId: string,
    readonly codeName: string,
  ) {}

  on(at: string, actor: SeedPerson, command: SeedCommand): this {
    const last = this.steps[this.steps.length - 1];
    if (last && Date.parse(at) <= Date.parse(last.at)) {
      throw new Error(`${this.codeName}: ${command.kind} at ${at} does not follow ${last.at}`);
    }
    this.steps.push({ at, actor, command });
    return this;
  }

  get lastDate(): string {
    return this.steps[this.steps.length - 1].at.slice(0, 10);
  }

  build(): SeedThreat {
    return {
      threatId: this.threatId,
      ownerOrganisationId: this.ownerOrganisationId,
      codeName: this.codeName,
      steps: [...this.steps],
    };
  }
}

function morile(name: string, tier: number): { scores: MorileScores; outputs: MorileOutputs } {
  // Higher tiers (1 is highest) draw higher harm and likelihood.
  const lift = (5 - tier) * 8;
  const scores = {
    harm: Math.min(100, between(`${name}/harm`, 35, 70) + lift),
    likelihood: Math.min(100, between(`${name}/likelihood`, 30, 70) + lift),
    confidence: between(`${name}/confidence`, 40, 95),
    capacity: between(`${name}/capacity`, 20, 90),
    capability: between(`${name}/capability`, 20, 90),
  };
  const totalScore = Math.round((scores.harm * scores.likelihood * scores.confidence) / 1000);
  const reach = scores.capacity + scores.capability;
  return {
    scores,
    outputs: {
      totalScore,
      priority: totalScore >= 300 ? 'high' : totalScore >= 120 ? 'medium' : 'low',
      opportunity: reach >= 120 ? 'high' : reach >= 80 ? 'medium' : 'low',
    },
  };
}

interface Registration {
  readonly key: string;
  readonly owner: Owner;
  readonly codeName: string;
  readonly lro: SeedPerson;
  readonly registeredOn: string;
  readonly kind?: ThreatKind;
  readonly type?: ThreatType;
  readonly tier?: number;
  readonly soc?: boolean;
  readonly phase?: string;
  readonly summary?: string;
  readonly priorityArea?: PriorityArea;
  readonly place?: string | null;
  readonly clearHoldBuildPhase?: ClearHoldBuildPhase | null;
  readonly marking?: Marking;
  readonly sro?: SeedPerson | null;
}

/**
 * The facts of one historic threat, written by a small vocabulary: assessed, moderated,
 * returned, re-tiered, closed... each dated, each done by the person who would do it.
 */
class Historic {
  readonly history: History;
  readonly tier: number;
  private assessments = 0;
  private readonly analyst: SeedPerson;
  /** Who leads it now: the LRO re-tiers, moves and closes it. */
  private lro: SeedPerson;

  constructor(
    private readonly cast: Cast,
    readonly spec: Registration,
    index: number,
  ) {
    const { key, owner } = spec;
    this.history = new History(seedId(`threat/${key}`), owner.organisationId, spec.codeName);
    this.analyst = cast.one(owner.organisationId, 'analyst');
    this.lro = spec.lro;
    this.tier = spec.tier ?? pick(`${key}/tier`, [2, 3, 3, 2, 4, 1, 3, 2, 4, 3]);
    const priorityArea =
      spec.priorityArea ?? PRIORITY_AREAS[(index + owner.offset) % PRIORITY_AREAS.length];
    const kind = spec.kind ?? (index % 6 === 5 ? 'priority-individual' : 'ocg');
    const place = pick(`${key}/place`, owner.places);
    const activity = pick(`${key}/activity`, ACTIVITY[priorityArea]).replace('{place}', place);
    const summary =
      spec.summary ??
      (kind === 'priority-individual'
        ? `Priority individual directing ${activity}`
        : activity[0].toUpperCase() + activity.slice(1));
    this.history.on(instant(spec.registeredOn, `${key}/registered`), this.analyst, {
      kind: 'register',
      ownerOrganisationId: owner.organisationId,
      threatKind: kind,
      codeName: spec.codeName,
      summary,
      priorityArea,
      type: spec.type ?? 'tactical',
      tier: this.tier,
      phase: spec.phase ?? 'active',
      soc: spec.soc ?? true,
      lro: ref(spec.lro),
      sro: spec.sro ? ref(spec.sro) : null,
      place: spec.place ?? null,
      clearHoldBuildPhase: spec.clearHoldBuildPhase ?? null,
      marking: spec.marking ?? (draw(`${key}/marking`) < 0.3 ? 'OFFICIAL-SENSITIVE' : 'OFFICIAL'),
      signposting: draw(`${key}/signposting`) < 0.8,
      openedOn: spec.registeredOn,
    });
  }

  get key() {
    return this.spec.key;
  }

  /** Records an assessment on a date, resting on intelligence a few days to weeks older. */
  assessed(on: string, intelligenceAgeDays = between(`${this.key}/age/${on}`, 4, 25)): this {
    this.assessments += 1;
    const name = `${this.key}/assessment/${this.assessments}`;
    this.history.on(instant(on, name), this.analyst, {
      kind: 'record-assessment',
      assessmentId: seedId(name),
      modelVersion: this.spec.owner.modelVersion,
      ...morile(name, this.tier),
      assessedOn: on,
      intelligenceDate: addDays(on, -intelligenceAgeDays),
      rationale: pick(`${name}/rationale`, RATIONALES),
    });
    return this;
  }

  private get currentAssessmentId() {
    return seedId(`${this.key}/assessment/${this.assessments}`);
  }

  moderated(on: string): this {
    this.history.on(instant(on, `${this.key}/moderated/${on}`), this.cast.moderator, {
      kind: 'moderate-assessment',
      assessmentId: this.currentAssessmentId,
      note: pick(`${this.key}/note/${on}`, MODERATION_NOTES),
    });
    return this;
  }

  returned(on: string): this {
    this.history.on(instant(on, `${this.key}/returned/${on}`), this.cast.moderator, {
      kind: 'return-assessment',
      assessmentId: this.currentAssessmentId,
      reason: pick(`${this.key}/reason/${on}`, RETURN_REASONS),
    });
    return this;
  }

  /** Assessed a few weeks after registration, moderated a few weeks later: all during 2021. */
  assessedAndModerated(): this {
    const assessedOn = addDays(this.spec.registeredOn, between(`${this.key}/lag/a`, 10, 40));
    return this.assessed(assessedOn).moderated(
      addDays(assessedOn, between(`${this.key}/lag/m`, 7, 28)),
    );
  }

  retiered(on: string, tier: number, reason: string): this {
    this.history.on(instant(on, `${this.key}/tier/${on}`), this.lro, {
      kind: 'change-tier',
      tier,
      reason,
    });
    return this;
  }

  phase(on: string, phase: string): this {
    this.history.on(instant(on, `${this.key}/phase/${on}`), this.lro, {
      kind: 'change-phase',
      phase,
    });
    return this;
  }

  handedTo(on: string, lro: SeedPerson): this {
    this.history.on(instant(on, `${this.key}/lro/${on}`), this.lro, {
      kind: 'change-lro',
      lro: ref(lro),
      sro: null,
    });
    this.lro = lro;
    return this;
  }

  closed(on: string): this {
    const reason = pick(`${this.key}/closed`, CLOSE_REASONS).replace(
      '{court}',
      this.spec.owner.court,
    );
    this.history.on(instant(on, `${this.key}/closed/${on}`), this.lro, {
      kind: 'close',
      reason,
    });
    return this;
  }

  /** Closed between March 2022 and the end of 2024 (after its last fact): the list turns over. */
  closedLater(): this {
    const on = addDays('2022-03-01', between(`${this.key}/closed-on`, 0, 1000));
    const last = this.history.lastDate;
    return this.closed(on > last ? on : addDays(last, between(`${this.key}/closed-lag`, 14, 90)));
  }
}

/** Ways a threat can count on 10 January 2022 other than plainly; most are plain. */
type Variant =
  | 'plain'
  | 'returned-then-moderated'
  | 'retiered'
  | 'phase-changed'
  | 'handed-over'
  | 'reassessed-after-the-date'
  | 'tier-5-after-the-date';
const VARIANTS: readonly Variant[] = [
  'plain',
  'returned-then-moderated',
  'plain',
  'retiered',
  'plain',
  'phase-changed',
  'reassessed-after-the-date',
  'plain',
  'handed-over',
  'plain',
  'tier-5-after-the-date',
  'plain',
];

/** Cleveland's five SOC vulnerabilities: places under Clear, Hold, Build. */
const VULNERABILITIES: readonly {
  place: string;
  phase: ClearHoldBuildPhase;
  area: PriorityArea;
  stillOpen: boolean;
}[] = [
  { place: 'Dyke House, Hartlepool', phase: 'clear', area: 'county-lines', stillOpen: false },
  { place: 'Newport, Middlesbrough', phase: 'hold', area: 'drug-trafficking', stillOpen: false },
  {
    place: 'North Ormesby, Middlesbrough',
    phase: 'build',
    area: 'modern-slavery',
    stillOpen: true,
  },
  {
    place: 'Grangetown, Redcar',
    phase: 'hold',
    area: 'organised-acquisitive-crime',
    stillOpen: false,
  },
  {
    place: 'Hardwick, Stockton-on-Tees',
    phase: 'clear',
    area: 'child-sexual-exploitation',
    stillOpen: false,
  },
];

function countedThreats(cast: Cast, names: CodeNames): Historic[] {
  const threats: Historic[] = [];
  for (const [organisationId, count] of Object.entries(COUNTED_ON_INSPECTION_DATE)) {
    const owner = OWNERS[organisationId];
    const lros = cast.lros(organisationId);
    const vulnerabilities = organisationId === CLEVELAND ? VULNERABILITIES : [];
    for (const [v, vulnerability] of vulnerabilities.entries()) {
      const key = `${organisationId}/soc-vulnerability/${v}`;
      const threat = new Historic(
        cast,
        {
          key,
          owner,
          codeName: names.take(),
          lro: lros[(v + 1) % lros.length],
          registeredOn: addDays('2021-01-11', between(`${key}/registered-on`, 0, 120)),
          kind: 'soc-vulnerability',
          priorityArea: vulnerability.area,
          place: vulnerability.place,
          clearHoldBuildPhase: vulnerability.phase,
          summary:
            `A neighbourhood harmed by SOC: drug dealing, cuckooing and exploitation of young ` +
            `people in ${vulnerability.place}; Clear, Hold, Build in its ${vulnerability.phase} phase`,
          marking: 'OFFICIAL',
        },
        v,
      ).assessedAndModerated();
      threats.push(vulnerability.stillOpen ? threat : threat.closedLater());
    }
    for (let i = 0; i < count - vulnerabilities.length; i++) {
      const key = `${organisationId}/counted/${i}`;
      const lro = lros[i % lros.length];
      const variant = i < 2 ? 'plain' : VARIANTS[i % VARIANTS.length];
      const threat = new Historic(
        cast,
        {
          key,
          owner,
          codeName: names.take(),
          lro,
          registeredOn: addDays('2021-01-04', between(`${key}/registered-on`, 0, 200)),
          phase: variant === 'phase-changed' ? 'open' : 'active',
        },
        i,
      );
      if (variant === 'returned-then-moderated') {
        const on = addDays(threat.spec.registeredOn, 21);
        threat
          .assessed(on)
          .returned(addDays(on, 10))
          .assessed(addDays(on, 24), 3)
          .moderated(addDays(on, 38));
      } else {
        threat.assessedAndModerated();
      }
      const late = (days: number) => addDays('2021-10-01', days);
      if (variant === 'retiered') {
        threat.retiered(
          late(between(`${key}/retier`, 0, 60)),
          threat.tier === 1 ? 2 : 1,
          'Firearms recovered at an address linked to the group',
        );
      }
      if (variant === 'phase-changed') threat.phase(late(between(`${key}/phase`, 0, 60)), 'active');
      if (variant === 'handed-over' && lros.length > 1) {
        threat.handedTo(late(between(`${key}/lro`, 0, 60)), lros[(i + 1) % lros.length]);
      }
      if (variant === 'reassessed-after-the-date') threat.assessed('2022-01-20', 6);
      if (variant === 'tier-5-after-the-date') {
        threat.retiered('2022-01-17', 5, 'No reporting since the principals were remanded');
      }
      // The first two of each force's list are still open: legacy plans nobody has refreshed.
      threats.push(i < 2 ? threat : threat.closedLater());
    }
  }
  return threats;
}

/** Threats that must not count on 10 January 2022, one of each kind the rule excludes. */
function decoys(cast: Cast, names: CodeNames): Historic[] {
  const make = (
    organisationId: string,
    name: string,
    registeredOn: string,
    spec: Partial<Registration> = {},
  ) => {
    const key = `${organisationId}/decoy/${name}`;
    return new Historic(
      cast,
      {
        key,
        owner: OWNERS[organisationId],
        codeName: names.take(),
        lro: cast.lros(organisationId)[0],
        registeredOn,
        ...spec,
      },
      between(`${key}/index`, 0, 7),
    );
  };
  const strategic = (organisationId: string, summary: string, area: PriorityArea) =>
    make(organisationId, 'strategic', '2021-02-15', {
      type: 'strategic',
      summary,
      priorityArea: area,
      tier: 1,
    })
      .assessedAndModerated()
      .closedLater();
  const notSoc = (organisationId: string, summary: string) =>
    make(organisationId, 'not-soc', '2021-04-12', { soc: false, summary, tier: 3 })
      .assessedAndModerated()
      .closedLater();
  const tier5 = (organisationId: string) =>
    make(organisationId, 'tier-5', '2021-03-08', { tier: 5 }).assessedAndModerated().closedLater();
  const closedBefore = (organisationId: string, on: string) =>
    make(organisationId, 'closed-before', '2021-02-01').assessedAndModerated().closed(on);
  return [
    strategic(
      CLEVELAND,
      'Strategic: cocaine supply into Teesside from Merseyside networks',
      'drug-trafficking',
    ),
    strategic(
      NERSOU,
      'Strategic: money laundering through cash-intensive businesses across the region',
      'economic-crime',
    ),
    strategic(NORTHUMBRIA, 'Strategic: firearms available to OCGs on Tyneside', 'firearms'),
    // Moderated, then re-assessed before the date: unmoderated again on the 10th.
    make(CLEVELAND, 're-assessed', '2021-03-22')
      .assessedAndModerated()
      .assessed('2021-12-14')
      .moderated('2022-01-25')
      .closedLater(),
    make(NERSOU, 're-assessed', '2021-05-10')
      .assessedAndModerated()
      .assessed('2021-12-20')
      .closedLater(),
    // Re-tiered to 5 before the date.
    make(CLEVELAND, 'tier-5-before', '2021-02-22')
      .assessedAndModerated()
      .retiered('2021-11-02', 5, 'Intelligence gap: no current reporting on the group')
      .closedLater(),
    tier5(NORTHUMBRIA),
    tier5(NERSOU),
    // Assessed, waiting for moderation on the date.
    make(CLEVELAND, 'unmoderated', '2021-10-18')
      .assessed('2021-11-29')
      .moderated('2022-01-12')
      .closedLater(),
    make(DURHAM, 'unmoderated', '2021-09-06').assessed('2021-12-15').closedLater(),
    // Returned by the ROCTA and not yet re-scored on the date.
    make(DURHAM, 'returned', '2021-08-16')
      .assessed('2021-11-08')
      .returned('2021-12-06')
      .assessed('2022-02-07', 5)
      .moderated('2022-02-21')
      .closedLater(),
    make(NORTHUMBRIA, 'returned', '2021-07-05')
      .assessed('2021-10-11')
      .returned('2021-11-15')
      .closedLater(),
    // Not serious and organised crime.
    notSoc(DURHAM, 'Anti-social behaviour by a group of youths around Darlington town centre'),
    notSoc(NERSOU, 'Doorstep trading fraud by a lone offender across County Durham'),
    notSoc(NORTHUMBRIA, 'Prolific shoplifting by a local family in Gateshead town centre'),
    tier5(DURHAM),
    // Closed before the date.
    closedBefore(CLEVELAND, '2021-12-03'),
    closedBefore(DURHAM, '2021-10-19'),
    closedBefore(NORTHUMBRIA, '2022-01-04'),
    // Never assessed.
    make(NERSOU, 'never-assessed', '2021-11-22').closedLater(),
    // Registered after the date.
    make(CLEVELAND, 'registered-after', '2022-02-07')
      .assessed('2022-02-21')
      .moderated('2022-03-07')
      .closedLater(),
    make(NORTHUMBRIA, 'registered-after', '2022-03-14')
      .assessed('2022-03-28')
      .moderated('2022-04-11'),
  ];
}

// ----- live plans -----

interface LiveAction {
  readonly name: string;
  readonly category: ActionCategory;
  readonly description: string;
  readonly owner: SeedPerson;
  readonly proposedDaysAgo: number;
  readonly dueInDays: number;
  /** What happens to it, in days before today: agreed, started, progress notes, done. */
  readonly agreed?: number;
  readonly started?: number;
  readonly progress?: readonly [daysAgo: number, note: string][];
  readonly done?: readonly [daysAgo: number, outcome: string];
}

interface LivePlan {
  readonly name: string;
  readonly word: string;
  readonly owner: string;
  readonly lro: SeedPerson;
  readonly kind: ThreatKind;
  readonly priorityArea: PriorityArea;
  readonly tier: number;
  readonly summary: string;
  readonly openedDaysAgo: number;
  /** Assessments: [days ago assessed, age of the intelligence in days, moderated days ago]. */
  readonly assessments: readonly [assessed: number, intelligenceAge: number, moderated: number][];
  readonly criminalActivity: string;
  readonly placesAffected: readonly string[];
  readonly risks: readonly string[];
  readonly reviewInDays: number;
  readonly sharedWith: readonly string[];
  readonly people: readonly [name: string, role: string][];
  readonly actions: readonly LiveAction[];
}

function livePlans(cast: Cast): LivePlan[] {
  const partner = (organisationId: string) => cast.one(organisationId, 'partner-officer');
  const clevelandLro = cast.one(CLEVELAND, 'lro');
  const clevelandChair = cast.one(CLEVELAND, 'meeting-chair');
  const durhamLro = cast.one(DURHAM, 'lro');
  const durhamChair = cast.one(DURHAM, 'meeting-chair');
  return [
    {
      name: 'kestrel',
      word: 'KESTREL',
      owner: CLEVELAND,
      lro: clevelandLro,
      kind: 'ocg',
      priorityArea: 'county-lines',
      tier: 2,
      summary: 'County line supplying crack cocaine and heroin into Hartlepool from Merseyside',
      openedDaysAgo: 60,
      assessments: [
        [58, 4, 55],
        [20, 5, 16],
      ],
      criminalActivity:
        'Crack cocaine and heroin supplied through a deal line run from Liverpool; local ' +
        'children recruited as runners; two flats in Dyke House taken over as bases',
      placesAffected: ['Dyke House, Hartlepool', 'Hartlepool town centre', 'Stockton-on-Tees'],
      risks: [
        'Withdrawal of the task team at the end of the quarter',
        'Cuckooed addresses move faster than closure orders',
      ],
      reviewInDays: -5,
      sharedWith: ['hartlepool-bc', 'thirteen-housing'],
      people: [
        ['Dean Marrow', 'principal'],
        ['Kayleigh Tate', 'victim (tenant of a cuckooed flat)'],
      ],
      actions: [
        {
          name: 'warrants',
          category: 'pursue',
          description: 'Warrants at the two addresses used as bases for the deal line',
          owner: clevelandLro,
          proposedDaysAgo: 52,
          dueInDays: 14,
          agreed: 50,
          started: 45,
          progress: [
            [30, 'First warrant executed: 40 wraps of crack cocaine seized, one arrest'],
            [12, 'Second address under observation; warrant application drafted'],
          ],
        },
        {
          name: 'tenants',
          category: 'protect',
          description: 'Visit the tenants of the cuckooed flats and offer safeguarding',
          owner: partner('thirteen-housing'),
          proposedDaysAgo: 52,
          dueInDays: -10,
          agreed: 48,
        },
        {
          name: 'schools',
          category: 'prevent',
          description: 'Outreach on county lines at the two schools nearest the deal line',
          owner: partner('hartlepool-bc'),
          proposedDaysAgo: 52,
          dueInDays: -15,
          agreed: 50,
          started: 40,
          progress: [[30, 'First session delivered at the secondary school']],
          done: [18, 'Sessions delivered to 120 pupils; two referrals to the youth service'],
        },
        {
          name: 'reassurance',
          category: 'prepare',
          description: 'Community reassurance plan for Dyke House after the warrants',
          owner: partner('hartlepool-bc'),
          proposedDaysAgo: 14,
          dueInDays: 30,
        },
      ],
    },
    {
      name: 'curlew',
      word: 'CURLEW',
      owner: CLEVELAND,
      lro: clevelandLro,
      kind: 'ocg',
      priorityArea: 'modern-slavery',
      tier: 3,
      summary: 'Forced labour of Eastern European men in hand car washes in Middlesbrough',
      openedDaysAgo: 90,
      // Scored on intelligence from last winter: the basis is older than six months.
      assessments: [[85, 230, 80]],
      criminalActivity:
        'Workers recruited abroad with promises of jobs, housed in one shared house, paid ' +
        'little or nothing and made to work in three hand car washes',
      placesAffected: ['Middlesbrough town centre', 'North Ormesby, Middlesbrough'],
      risks: [
        'Workers moved on before a joint visit',
        'Interpreters not available at short notice',
      ],
      reviewInDays: 20,
      sharedWith: ['middlesbrough-council', 'hmrc'],
      people: [
        ['Arben Krasniqi', 'principal'],
        ['Marek Zielinski', 'victim'],
      ],
      actions: [
        {
          name: 'joint-visit',
          category: 'pursue',
          description: 'Joint visit with HMRC to the three car washes',
          owner: clevelandLro,
          proposedDaysAgo: 78,
          dueInDays: -60,
          agreed: 76,
          done: [62, 'Visits made: eleven workers spoken to, two accepted support'],
        },
        {
          name: 'welfare',
          category: 'protect',
          description: 'Welfare check at the workers’ shared house with an interpreter',
          owner: partner('middlesbrough-council'),
          proposedDaysAgo: 78,
          dueInDays: -7,
          agreed: 76,
        },
        {
          name: 'tax',
          category: 'pursue',
          description: 'Tax and minimum wage compliance checks on the car wash businesses',
          owner: partner('hmrc'),
          proposedDaysAgo: 78,
          dueInDays: 25,
          agreed: 76,
          started: 70,
          progress: [
            [60, 'Records requested from the three businesses'],
            [36, 'Two of three returned records; the third has been issued a notice'],
          ],
        },
      ],
    },
    {
      name: 'harrier',
      word: 'HARRIER',
      owner: CLEVELAND,
      lro: clevelandChair,
      kind: 'priority-individual',
      priorityArea: 'economic-crime',
      tier: 2,
      summary: 'Priority individual laundering drug cash through vape shops and nail bars',
      openedDaysAgo: 45,
      assessments: [[40, 12, 33]],
      criminalActivity:
        'Cash from drug supply paid in through four shops in Stockton-on-Tees and Thornaby ' +
        'whose takings far exceed their footfall',
      placesAffected: ['Stockton-on-Tees', 'Thornaby'],
      risks: ['Shops change hands to relatives to avoid licensing action'],
      reviewInDays: 10,
      sharedWith: ['stockton-bc', 'tees-trading-standards'],
      people: [
        ['Ryan Ashdown', 'principal'],
        ['Leanne Ashdown', 'associate (named director of two shops)'],
      ],
      actions: [
        {
          name: 'financial',
          category: 'pursue',
          description: 'Financial investigation and account freezing orders',
          owner: clevelandChair,
          proposedDaysAgo: 31,
          dueInDays: 40,
          agreed: 30,
          started: 28,
          progress: [[9, 'Production orders served on two banks']],
        },
        {
          name: 'test-purchases',
          category: 'pursue',
          description: 'Test purchases of illicit vapes at the four shops',
          owner: partner('tees-trading-standards'),
          proposedDaysAgo: 31,
          dueInDays: -3,
          agreed: 29,
        },
        {
          name: 'licences',
          category: 'prevent',
          description: 'Review the premises licences and business rates of the four shops',
          owner: partner('stockton-bc'),
          proposedDaysAgo: 31,
          dueInDays: -8,
          agreed: 29,
          done: [11, 'Two shops found trading without a licence; enforcement notices served'],
        },
      ],
    },
    {
      name: 'dipper',
      word: 'DIPPER',
      owner: DURHAM,
      lro: durhamLro,
      kind: 'ocg',
      priorityArea: 'drug-trafficking',
      tier: 1,
      summary: 'Family-run group supplying cocaine across east Durham',
      openedDaysAgo: 75,
      assessments: [[70, 9, 64]],
      criminalActivity:
        'Wholesale cocaine brought up the A19 and sold on to street dealers in Peterlee and Seaham',
      placesAffected: ['Peterlee', 'Seaham', 'Easington Colliery'],
      risks: ['A rival group moving into the area after arrests'],
      reviewInDays: 25,
      sharedWith: ['durham-cc', 'karbon-homes'],
      people: [
        ['Craig Hetherington', 'principal'],
        ['Shane Hetherington', 'associate'],
      ],
      actions: [
        {
          name: 'vehicle',
          category: 'pursue',
          description: 'Intercept the courier vehicle on the A19',
          owner: durhamLro,
          proposedDaysAgo: 62,
          dueInDays: -30,
          agreed: 61,
          done: [33, '2 kg of cocaine seized; driver charged'],
        },
        {
          name: 'tenancy',
          category: 'protect',
          description: 'Tenancy enforcement at the flat used to store drugs',
          owner: partner('karbon-homes'),
          proposedDaysAgo: 62,
          dueInDays: 10,
          agreed: 60,
          started: 50,
          progress: [[21, 'Notice of seeking possession served']],
        },
        {
          name: 'diversion',
          category: 'prevent',
          description: 'Diversion places for the younger brothers of the principals',
          owner: partner('durham-cc'),
          proposedDaysAgo: 40,
          dueInDays: -6,
          agreed: 38,
        },
      ],
    },
    {
      name: 'osprey',
      word: 'OSPREY',
      owner: DURHAM,
      lro: durhamChair,
      kind: 'priority-individual',
      priorityArea: 'child-sexual-exploitation',
      tier: 2,
      summary: 'Priority individual grooming girls in care through a takeaway in Darlington',
      openedDaysAgo: 30,
      assessments: [[27, 3, 22]],
      criminalActivity:
        'Girls given free food, alcohol and lifts, then passed to older men at parties',
      placesAffected: ['Darlington town centre'],
      risks: ['Victims unwilling to give evidence'],
      reviewInDays: 15,
      sharedWith: ['durham-childrens-services', 'barnardos-ne'],
      people: [
        ['Imran Sadiq', 'principal'],
        ['Chloe Winter', 'victim'],
      ],
      actions: [
        {
          name: 'disruption',
          category: 'pursue',
          description: 'Child abduction warning notice and licensing review of the takeaway',
          owner: durhamChair,
          proposedDaysAgo: 20,
          dueInDays: -2,
          agreed: 19,
        },
        {
          name: 'support',
          category: 'protect',
          description: 'Specialist support worker for each of the girls identified',
          owner: partner('barnardos-ne'),
          proposedDaysAgo: 20,
          dueInDays: 20,
          agreed: 19,
          started: 17,
          progress: [[6, 'Support worker allocated to two of the three girls']],
        },
        {
          name: 'strategy',
          category: 'protect',
          description: 'Strategy meetings for the three girls identified',
          owner: partner('durham-childrens-services'),
          proposedDaysAgo: 20,
          dueInDays: -10,
          agreed: 19,
          done: [12, 'Strategy meetings held; child protection plans for two girls'],
        },
      ],
    },
  ];
}

function livePlan(cast: Cast, plan: LivePlan, today: string): SeedThreat {
  const name = `live/${plan.name}`;
  const threatId = seedId(`threat/${name}`);
  const analyst = cast.one(plan.owner, 'analyst');
  const day = (daysAgo: number) => addDays(today, -daysAgo);
  const facts: [daysAgo: number, actor: SeedPerson, command: SeedCommand][] = [];
  const openedOn = day(plan.openedDaysAgo);
  facts.push([
    plan.openedDaysAgo,
    analyst,
    {
      kind: 'register',
      ownerOrganisationId: plan.owner,
      threatKind: plan.kind,
      codeName: `OPERATION ${plan.word}`,
      summary: plan.summary,
      priorityArea: plan.priorityArea,
      type: 'tactical',
      tier: plan.tier,
      phase: 'active',
      soc: true,
      lro: ref(plan.lro),
      sro: null,
      place: null,
      clearHoldBuildPhase: null,
      marking: 'OFFICIAL',
      signposting: true,
      openedOn,
    },
  ]);
  for (const [n, [assessed, age, moderated]] of plan.assessments.entries()) {
    const assessmentId = seedId(`${name}/assessment/${n + 1}`);
    facts.push([
      assessed,
      analyst,
      {
        kind: 'record-assessment',
        assessmentId,
        modelVersion: OWNERS[plan.owner].modelVersion,
        ...morile(`${name}/assessment/${n + 1}`, plan.tier),
        assessedOn: day(assessed),
        intelligenceDate: day(assessed + age),
        rationale: pick(`${name}/rationale/${n}`, RATIONALES),
      },
    ]);
    facts.push([
      moderated,
      cast.moderator,
      {
        kind: 'moderate-assessment',
        assessmentId,
        note: pick(`${name}/note/${n}`, MODERATION_NOTES),
      },
    ]);
  }
  const planned = plan.assessments[0][2] - 1;
  facts.push([
    planned,
    plan.lro,
    {
      kind: 'update-plan',
      criminalActivity: plan.criminalActivity,
      placesAffected: [...plan.placesAffected],
      risks: [...plan.risks],
      reviewDate: addDays(today, plan.reviewInDays),
    },
  ]);
  facts.push([planned, plan.lro, { kind: 'share-plan', organisationIds: [...plan.sharedWith] }]);
  for (const [n, [personName, role]] of plan.people.entries()) {
    facts.push([
      planned,
      plan.lro,
      {
        kind: 'add-person',
        involvementId: seedId(`${name}/person/${n}`),
        subjectId: `subject:${seedId(`${name}/subject/${n}`)}`,
        name: personName,
        role,
      },
    ]);
  }
  for (const action of plan.actions) {
    const actionId = seedId(`${name}/action/${action.name}`);
    const { owner } = action;
    facts.push([
      action.proposedDaysAgo,
      plan.lro,
      {
        kind: 'propose-action',
        actionId,
        category: action.category,
        description: action.description,
        owner: ref(owner),
        dueDate: addDays(today, action.dueInDays),
      },
    ]);
    if (action.agreed !== undefined) {
      facts.push([action.agreed, owner, { kind: 'agree-action', actionId }]);
    }
    if (action.started !== undefined) {
      facts.push([action.started, owner, { kind: 'start-action', actionId }]);
    }
    for (const [daysAgo, note] of action.progress ?? []) {
      facts.push([daysAgo, owner, { kind: 'record-progress', actionId, note }]);
    }
    if (action.done) {
      const [daysAgo, outcome] = action.done;
      facts.push([daysAgo, owner, { kind: 'complete-action', actionId, outcome }]);
    }
  }
  // In date order; facts of one day keep the order they were written in, a few minutes apart.
  const ordered = facts
    .map((fact, n) => ({ fact, n }))
    .sort((a, b) => b.fact[0] - a.fact[0] || a.n - b.n);
  const history = new History(threatId, plan.owner, `OPERATION ${plan.word}`);
  let previous: { daysAgo: number; order: number } | null = null;
  for (const { fact } of ordered) {
    const [daysAgo, actor, command] = fact;
    const order: number = previous?.daysAgo === daysAgo ? previous.order + 1 : 0;
    previous = { daysAgo, order };
    const minutes = 9 * 60 + order * 7;
    const time = `${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`;
    history.on(`${day(daysAgo)}T${time}:00.000Z`, actor, command);
  }
  return history.build();
}

/**
 * The whole seeded master list: the 2021 history (the inspection's 142 and the decoys), then
 * the live plans dated relative to `today` (YYYY-MM-DD).
 */
export function northEastThreats(today: string): SeedThreat[] {
  const cast = new Cast();
  const names = new CodeNames();
  const live = livePlans(cast);
  for (const plan of live) names.take(plan.word);
  const historic = [...countedThreats(cast, names), ...decoys(cast, names)].map((t) =>
    t.history.build(),
  );
  return [...historic, ...live.map((plan) => livePlan(cast, plan, today))];
}

/** Runs `work` over the items, `concurrency` at a time. */
export async function eachLimited<T>(
  items: readonly T[],
  concurrency: number,
  work: (item: T) => Promise<void>,
): Promise<void> {
  let next = 0;
  const worker = async () => {
    for (let i = next++; i < items.length; i = next++) await work(items[i]);
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, worker));
}
