import { Controller, Get, Param, Query } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { ApiHeader, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { ConsistencyQuery } from '@soc/messaging';
import { Access, type AccessContext, Authorize, StatedPurpose } from '@soc/security';
import { ReferralIdParam } from '../referral/referral-params.dto.js';
import { ReferralView } from './referral-detail.dto.js';
import { GetReferralQuery } from './referral-detail.query.js';

@ApiTags('safeguarding')
@Controller('referrals')
export class ReferralDetailController {
  constructor(private readonly queries: QueryBus) {}

  @Get(':referralId')
  @Authorize('referral:read')
  @ApiHeader({
    name: 'X-Purpose',
    required: false,
    description:
      'Why you consult the personal data: required (400 without) when your role may read it, and kept in the access log',
    example: 'Strategy discussion, Oxford Road referral',
  })
  @ApiOkResponse({ type: ReferralView })
  referral(
    @Param() { referralId }: ReferralIdParam,
    @Query() consistency: ConsistencyQuery,
    @StatedPurpose() purpose: string | null,
    @Access() access: AccessContext,
  ) {
    return this.queries.execute(new GetReferralQuery(access, referralId, purpose, consistency));
  }
}
