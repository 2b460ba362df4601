import type { OrganisationKind } from '@soc/contracts';
import { kafkaIsOff } from '@soc/testing';

export interface PartnershipOrganisation {
  readonly organisationId: string;
  readonly name: string;
  readonly kind: OrganisationKind;
}

const POLICE: readonly [string, string, OrganisationKind][] = [
  ['durham-constabulary', 'Durham Constabulary', 'police-force'],
  ['northumbria-police', 'Northumbria Police', 'police-force'],
  ['nerocu', 'North East Regional Organised Crime Unit', 'rocu'],
  ['btp', 'British Transport Police', 'national-agency'],
];

const PARTNERS: readonly [string, string, OrganisationKind][] = [
  ['hartlepool-bc', 'Hartlepool Borough Council', 'statutory-partner'],
  ['hartlepool-childrens-services', 'Hartlepool Children’s Services', 'statutory-partner'],
  ['thirteen-housing', 'Thirteen Housing Group', 'non-statutory-partner'],
  ['hmrc', 'HM Revenue and Customs', 'national-agency'],
  ['probation-north-east', 'HM Prison and Probation Service, North East', 'statutory-partner'],
  ['middlesbrough-council', 'Middlesbrough Council', 'statutory-partner'],
  ['redcar-cleveland-council', 'Redcar and Cleveland Council', 'statutory-partner'],
  ['stockton-council', 'Stockton-on-Tees Borough Council', 'statutory-partner'],
  ['middlesbrough-childrens-services', 'Middlesbrough Children’s Services', 'statutory-partner'],
  ['stockton-childrens-services', 'Stockton Children’s Services', 'statutory-partner'],
  ['teeswide-adult-safeguarding', 'Teeswide Safeguarding Adults Board', 'statutory-partner'],
  ['tees-trading-standards', 'Tees Valley Trading Standards', 'statutory-partner'],
  ['hartlepool-licensing', 'Hartlepool Licensing', 'statutory-partner'],
  ['cleveland-fire-brigade', 'Cleveland Fire Brigade', 'statutory-partner'],
  ['tees-valley-icb', 'NHS North East and North Cumbria ICB', 'statutory-partner'],
  ['dwp', 'Department for Work and Pensions', 'national-agency'],
  ['immigration-enforcement', 'Home Office Immigration Enforcement', 'national-agency'],
  ['gangmasters-labour-abuse', 'Gangmasters and Labour Abuse Authority', 'national-agency'],
  ['tees-youth-justice', 'Tees Youth Justice Service', 'statutory-partner'],
  ['redcar-childrens-services', 'Redcar and Cleveland Children’s Services', 'statutory-partner'],
  ['beyond-housing', 'Beyond Housing', 'non-statutory-partner'],
  ['change-grow-live', 'Change Grow Live (substance misuse)', 'non-statutory-partner'],
  ['barnardos-exploitation', 'Barnardo’s Child Exploitation Service', 'non-statutory-partner'],
  ['hmp-holme-house', 'HMP Holme House', 'statutory-partner'],
  ['crimestoppers', 'Crimestoppers', 'non-statutory-partner'],
];

const suffixed =
  (run: string) =>
  ([id, name, kind]: readonly [string, string, OrganisationKind]): PartnershipOrganisation => ({
    organisationId: `${id}-${run}`,
    name,
    kind,
  });

/**
 * The 30 organisations of a Cleveland MARSOC, with ids unique to one run: the chair's force,
 * four police bodies and 25 partner agencies (councils, probation, HMRC, housing, children's
 * services...). `partners[0..2]` are the Hartlepool council, children's services and housing.
 */
export function marsocPartnership(run: string) {
  const chair = suffixed(run)(['cleveland-police', 'Cleveland Police', 'police-force']);
  const police = POLICE.map(suffixed(run));
  const partners = PARTNERS.map(suffixed(run));
  return { chair, police, partners, all: [chair, ...police, ...partners] };
}

export type DeliveryMode = 'embedded delivery' | 'delivery over Kafka';

/** Both delivery modes, or the embedded one alone when TEST_KAFKA=off. */
export const deliveryModes: DeliveryMode[] = kafkaIsOff
  ? ['embedded delivery']
  : ['embedded delivery', 'delivery over Kafka'];

/** The app's environment for a mode: Kafka mode uses the broker of the global setup. */
export function deliveryEnv(mode: DeliveryMode, topicPrefix: string): Record<string, string> {
  if (mode === 'embedded delivery') return {};
  const brokers = process.env.TEST_KAFKA_BROKERS;
  if (!brokers) throw new Error('TEST_KAFKA_BROKERS is not set by test/global-setup.mjs');
  return {
    KAFKA_BROKERS: brokers,
    KAFKA_TOPIC_PREFIX: topicPrefix,
    KAFKA_TOPIC_PARTITIONS: '2',
    KAFKA_REPLICATION_FACTOR: '1',
  };
}
