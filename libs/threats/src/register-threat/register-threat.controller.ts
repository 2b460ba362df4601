import { Body, Controller, Post } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiCreatedResponse, ApiTags } from '@nestjs/swagger';
import { Access, type AccessContext, type ExpectedVersion, IfMatch } from '@soc/security';
import { ThreatCommandRoute } from '../threat/threat-command.js';
import { RegisterThreat } from './register-threat.command.js';
import { RegisterThreatBody, ThreatRegisteredResult } from './register-threat.dto.js';

@ApiTags('threats')
@Controller('threats')
export class RegisterThreatController {
  constructor(private readonly commands: CommandBus) {}

  @Post()
  @ThreatCommandRoute(
    'threat:register',
    'Register a threat on the SOC master list for your organisation',
  )
  @ApiCreatedResponse({ type: ThreatRegisteredResult })
  register(
    @Body() body: RegisterThreatBody,
    @IfMatch() expected: ExpectedVersion,
    @Access() access: AccessContext,
  ): Promise<ThreatRegisteredResult> {
    return this.commands.execute(new RegisterThreat(access, body, expected));
  }
}
