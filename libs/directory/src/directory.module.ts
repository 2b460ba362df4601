import { Module } from '@nestjs/common';
import { personLookupProvider } from './directory-person-lookup.js';
import { DirectoryReads } from './directory-view/directory-reads.js';
import { OrganisationsController } from './organisation/organisations.controller.js';
import { PeopleCommands } from './person/people.commands.js';
import { PeopleController } from './person/people.controller.js';

/**
 * The directory context: organisations and people. Its projection is registered with delivery;
 * it tells the security guard which people exist (PERSON_LOOKUP).
 */
@Module({
  controllers: [OrganisationsController, PeopleController],
  providers: [PeopleCommands, DirectoryReads, personLookupProvider],
})
export class DirectoryModule {}
