import { CreateIdempotencyKeys1764150000000 } from './1764150000000-create-idempotency-keys.js';

export const platformMigrations = [CreateIdempotencyKeys1764150000000];
