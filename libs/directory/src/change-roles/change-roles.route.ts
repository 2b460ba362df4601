import { Body, Controller, Param, Put } from '@nestjs/common';
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
import { ChangeRoles } from './change-roles.command.js';
import { ChangeRolesBody } from './change-roles.dto.js';

@ApiTags('directory')
@Controller('directory/people')
export class ChangeRolesController {
  constructor(private readonly commands: CommandBus) {}

  @Put(':personId/roles')
  @CommandRoute('person:change-roles', "Replace a person's roles", { notFound: NO_PERSON })
  @ApiOkResponse({ type: CommandResult })
  changeRoles(
    @Param() { personId }: PersonIdParam,
    @Body() body: ChangeRolesBody,
    @IfMatch() expected: ExpectedVersion,
    @Access() access: AccessContext,
  ): Promise<CommandResult> {
    return this.commands.execute(new ChangeRoles(access, personId, body.roles, expected));
  }
}
