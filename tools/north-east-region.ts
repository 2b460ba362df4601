import type { OrganisationKind } from '@soc/contracts';
import type { Role } from '@soc/security';

export interface SeedOrganisation {
  readonly organisationId: string;
  readonly name: string;
  readonly kind: OrganisationKind;
}

export interface SeedPerson {
  readonly personId: string;
  readonly organisationId: string;
  readonly displayName: string;
  readonly roles: readonly Role[];
}

const police = (organisationId: string, name: string): SeedOrganisation => ({
  organisationId,
  name,
  kind: 'police-force',
});
const statutory = (organisationId: string, name: string): SeedOrganisation => ({
  organisationId,
  name,
  kind: 'statutory-partner',
});
const voluntary = (organisationId: string, name: string): SeedOrganisation => ({
  organisationId,
  name,
  kind: 'non-statutory-partner',
});

/** The north-east of England as the 2021/22 inspection found it: three forces, their ROCU, partners. */
export const NORTH_EAST_ORGANISATIONS: readonly SeedOrganisation[] = [
  police('cleveland-police', 'Cleveland Police'),
  police('durham-constabulary', 'Durham Constabulary'),
  police('northumbria-police', 'Northumbria Police'),
  { organisationId: 'nersou', name: 'North East Regional Special Operations Unit', kind: 'rocu' },
  { organisationId: 'nca', name: 'National Crime Agency', kind: 'national-agency' },
  { organisationId: 'hmrc', name: 'HM Revenue and Customs', kind: 'national-agency' },
  {
    organisationId: 'home-office-ie',
    name: 'Home Office Immigration Enforcement',
    kind: 'national-agency',
  },
  { organisationId: 'btp', name: 'British Transport Police', kind: 'national-agency' },
  statutory('hartlepool-bc', 'Hartlepool Borough Council'),
  statutory('middlesbrough-council', 'Middlesbrough Council'),
  statutory('redcar-cleveland-bc', 'Redcar and Cleveland Borough Council'),
  statutory('stockton-bc', 'Stockton-on-Tees Borough Council'),
  statutory('durham-cc', 'Durham County Council'),
  statutory('darlington-bc', 'Darlington Borough Council'),
  statutory('newcastle-cc', 'Newcastle City Council'),
  statutory('sunderland-cc', 'Sunderland City Council'),
  statutory('gateshead-council', 'Gateshead Council'),
  statutory('northumberland-cc', 'Northumberland County Council'),
  statutory('hmpps-north-east', 'HM Prison and Probation Service, North East'),
  statutory('middlesbrough-childrens-services', "Middlesbrough Children's Services"),
  statutory('durham-childrens-services', "Durham Children's Services"),
  statutory('newcastle-adult-safeguarding', 'Newcastle Adult Safeguarding'),
  statutory('cleveland-fire', 'Cleveland Fire Brigade'),
  statutory('tees-trading-standards', 'Tees Valley Trading Standards'),
  statutory('durham-licensing', 'Durham County Council Licensing'),
  statutory('tees-esk-wear-nhs', 'Tees, Esk and Wear Valleys NHS Foundation Trust'),
  voluntary('thirteen-housing', 'Thirteen Group (housing association)'),
  voluntary('karbon-homes', 'Karbon Homes (housing association)'),
  voluntary('crimestoppers-ne', 'Crimestoppers North East'),
  voluntary('barnardos-ne', "Barnardo's North East"),
];

/** Which sample people each kind of organisation gets: every role appears somewhere. */
const ROLES_BY_KIND: Record<OrganisationKind, readonly (readonly Role[])[]> = {
  'police-force': [
    ['lro'],
    ['lro', 'meeting-chair'],
    ['analyst'],
    ['safeguarding-officer'],
    ['admin'],
  ],
  rocu: [['lro'], ['analyst'], ['rocta-moderator'], ['meeting-chair'], ['auditor'], ['admin']],
  'national-agency': [['lro'], ['partner-officer'], ['admin']],
  'statutory-partner': [['partner-officer'], ['safeguarding-officer'], ['admin']],
  'non-statutory-partner': [['partner-officer'], ['admin']],
};

const FIRST = ['Sam', 'Alex', 'Jo', 'Chris', 'Pat', 'Robin', 'Morgan', 'Jamie', 'Ashley', 'Kim'];
const LAST = ['Carter', 'Reid', 'Armstrong', 'Charlton', 'Milburn', 'Robson', 'Hall', 'Scott'];

export function northEastPeople(): SeedPerson[] {
  let n = 0;
  return NORTH_EAST_ORGANISATIONS.flatMap((organisation) =>
    ROLES_BY_KIND[organisation.kind].map((roles) => {
      n += 1;
      return {
        personId: `${organisation.organisationId}-${roles.join('-')}`.slice(0, 63),
        organisationId: organisation.organisationId,
        displayName: `${FIRST[n % FIRST.length]} ${LAST[n % LAST.length]}`,
        roles,
      };
    }),
  );
}
