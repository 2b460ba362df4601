import type { Provider } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import type { Env } from '@soc/platform';
import { ACKNOWLEDGEMENT_HOURS, type AcknowledgementHours } from './acknowledgement-deadline.js';
import { OverdueReferralsMetrics } from './overdue-referrals.metrics.js';

/** The acknowledgement deadlines as configured (validated at start-up), and their gauge. */
export const referralDeadlineProviders: Provider[] = [
  {
    provide: ACKNOWLEDGEMENT_HOURS,
    inject: [ConfigService],
    useFactory: (config: ConfigService<Env, true>): AcknowledgementHours => ({
      immediate: config.get('REFERRAL_ACKNOWLEDGEMENT_HOURS_IMMEDIATE'),
      urgent: config.get('REFERRAL_ACKNOWLEDGEMENT_HOURS_URGENT'),
      standard: config.get('REFERRAL_ACKNOWLEDGEMENT_HOURS_STANDARD'),
    }),
  },
  OverdueReferralsMetrics,
];
