import { directoryProjection } from '@soc/directory';
import { meetingsProjection } from '@soc/meetings';
import type { Projection } from '@soc/messaging';
import { safeguardingProjection } from '@soc/safeguarding';
import { threatsProjection } from '@soc/threats';

/**
 * Every projection the application feeds, in one place: the standalone module hands them to
 * delivery and `npm run projections` lists, checks and rebuilds the same ones. Importing this
 * starts nothing, so tools can use it without booting Nest.
 */
export const registeredProjections: readonly Projection[] = [
  directoryProjection,
  threatsProjection,
  meetingsProjection,
  safeguardingProjection,
];
