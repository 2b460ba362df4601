import { Body, Controller, HttpCode, Param, Post } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { CommandResult } from '@soc/event-store';
import {
  Access,
  type AccessContext,
  CommandRoute,
  type ExpectedVersion,
  IfMatch,
} from '@soc/security';
import { NO_PERSON, PersonIdParam } from '../directory.dto.js';
import { ErasePerson } from './erase-person.command.js';
import { ErasePersonBody } from './erase-person.dto.js';

@ApiTags('directory')
@Controller('directory/people')
export class ErasePersonController {
  constructor(private readonly commands: CommandBus) {}

  @Post(':personId/erasure')
  @HttpCode(200)
  @CommandRoute('person:erase', "Erase a person's personal data (their key is destroyed)", {
    notFound: NO_PERSON,
  })
  @ApiOkResponse({ type: CommandResult })
  erase(
    @Param() { personId }: PersonIdParam,
    @Body() body: ErasePersonBody,
    @IfMatch() expected: ExpectedVersion,
    @Access() access: AccessContext,
  ): Promise<CommandResult> {
    return this.commands.execute(new ErasePerson(access, personId, body.reason, expected));
  }
}
