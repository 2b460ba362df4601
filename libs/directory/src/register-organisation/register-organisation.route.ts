import { Body, Controller, Post } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiCreatedResponse, ApiTags } from '@nestjs/swagger';
import { CommandResult } from '@soc/event-store';
import { Access, type AccessContext, Authorize } from '@soc/security';
import { RegisterOrganisation } from './register-organisation.command.js';
import { RegisterOrganisationBody } from './register-organisation.dto.js';

@ApiTags('directory')
@Controller('directory/organisations')
export class RegisterOrganisationController {
  constructor(private readonly commands: CommandBus) {}

  @Post()
  @Authorize('organisation:register')
  @ApiCreatedResponse({ type: CommandResult })
  register(
    @Body() body: RegisterOrganisationBody,
    @Access() access: AccessContext,
  ): Promise<CommandResult> {
    return this.commands.execute(new RegisterOrganisation(access, body));
  }
}
