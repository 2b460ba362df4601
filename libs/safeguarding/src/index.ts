export { SafeguardingModule } from './safeguarding.module.js';
export { safeguardingProjection } from './referrals-projection/safeguarding.projection.js';
