import { Module } from '@nestjs/common';
import { CLOCK, systemClock } from '@soc/platform';
import { RecordCommands } from '@soc/security';
import { ChangeRolesHandler } from './change-roles/change-roles.command.js';
import { ChangeRolesController } from './change-roles/change-roles.route.js';
import { personLookupProvider } from './directory-person-lookup.js';
import { DirectoryViewController } from './directory-view/directory-view.route.js';
import {
  GetOrganisationHandler,
  ListOrganisationsHandler,
} from './directory-view/organisations.query.js';
import {
  GetPersonHandler,
  ListPeopleHandler,
  PeopleReader,
} from './directory-view/people.query.js';
import { EnrolPersonHandler } from './enrol-person/enrol-person.command.js';
import { EnrolPersonController } from './enrol-person/enrol-person.route.js';
import { ErasePersonHandler } from './erase-person/erase-person.command.js';
import { ErasePersonController } from './erase-person/erase-person.route.js';
import { RegisterOrganisationHandler } from './register-organisation/register-organisation.command.js';
import { RegisterOrganisationController } from './register-organisation/register-organisation.route.js';

/**
 * The directory context: organisations and people. Its projection is registered with delivery;
 * it tells the security guard which people exist (PERSON_LOOKUP).
 */
@Module({
  controllers: [
    RegisterOrganisationController,
    EnrolPersonController,
    ChangeRolesController,
    ErasePersonController,
    DirectoryViewController,
  ],
  providers: [
    { provide: CLOCK, useValue: systemClock },
    RecordCommands,
    RegisterOrganisationHandler,
    EnrolPersonHandler,
    ChangeRolesHandler,
    ErasePersonHandler,
    PeopleReader,
    ListOrganisationsHandler,
    GetOrganisationHandler,
    ListPeopleHandler,
    GetPersonHandler,
    personLookupProvider,
  ],
})
export class DirectoryModule {}
