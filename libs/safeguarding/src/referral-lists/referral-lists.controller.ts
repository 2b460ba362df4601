import { Controller, Get, Param, Query } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { ConsistencyQuery } from '@soc/messaging';
import { Access, type AccessContext, Authorize } from '@soc/security';
import {
  ReferralCountsView,
  ReferralListParams,
  ReferralListView,
  ThreatIdParam,
  ThreatReferralsView,
} from './referral-lists.dto.js';
import {
  CountReferralsQuery,
  GetThreatReferralsQuery,
  ListReferralsQuery,
} from './referral-lists.query.js';

/** Lists of referrals without personal data, each scoped to the caller's organisation. */
@ApiTags('safeguarding')
@Controller('views/referrals')
export class ReferralListsController {
  constructor(private readonly queries: QueryBus) {}

  @Get('inbox')
  @Authorize('referral-list:read')
  @ApiOkResponse({
    type: ReferralListView,
    description:
      'Referrals made to your organisation: awaiting an answer first, then most urgent, newest',
  })
  inbox(@Query() params: ReferralListParams, @Access() access: AccessContext) {
    return this.queries.execute(new ListReferralsQuery(access, 'inbox', params));
  }

  @Get('sent')
  @Authorize('referral-list:read')
  @ApiOkResponse({
    type: ReferralListView,
    description: 'Referrals your organisation made, newest first',
  })
  sent(@Query() params: ReferralListParams, @Access() access: AccessContext) {
    return this.queries.execute(new ListReferralsQuery(access, 'sent', params));
  }

  @Get('counts')
  @Authorize('referral-list:read')
  @ApiOkResponse({ type: ReferralCountsView })
  counts(@Query() params: ReferralListParams, @Access() access: AccessContext) {
    return this.queries.execute(new CountReferralsQuery(access, params));
  }

  @Get('threats/:threatId')
  @Authorize('threat-referrals:read')
  @ApiOkResponse({ type: ThreatReferralsView })
  byThreat(
    @Param() { threatId }: ThreatIdParam,
    @Query() consistency: ConsistencyQuery,
    @Access() access: AccessContext,
  ) {
    return this.queries.execute(new GetThreatReferralsQuery(access, threatId, consistency));
  }
}
