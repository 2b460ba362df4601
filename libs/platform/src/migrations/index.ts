import { CreateIdempotencyKeys1764150000000 } from './1764150000000-create-idempotency-keys.js';
import { CreateRateLimits1764250000000 } from './1764250000000-create-rate-limits.js';

export const platformMigrations = [
  CreateIdempotencyKeys1764150000000,
  CreateRateLimits1764250000000,
];
