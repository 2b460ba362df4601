import { CreateSecurity1764200000000 } from './1764200000000-create-security.js';

export const securityMigrations = [CreateSecurity1764200000000] as const;
