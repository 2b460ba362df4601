import { CreateSecurity1764200000000 } from './1764200000000-create-security.js';
import { CreateFeedTokens1765200000000 } from './1765200000000-create-feed-tokens.js';

export const securityMigrations = [
  CreateSecurity1764200000000,
  CreateFeedTokens1765200000000,
] as const;
