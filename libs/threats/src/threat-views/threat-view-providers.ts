import type { Provider } from '@nestjs/common';
import { ThreatReads } from './threat-reads.js';

/** The read side's services; the module provides CLOCK and THREAT_VIEW_SETTINGS beside them. */
export const threatViewProviders: Provider[] = [ThreatReads];
