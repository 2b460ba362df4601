import { type DynamicModule, Module } from '@nestjs/common';
import { CLOCK, systemClock } from '@soc/platform';
import { RecordCommands } from '@soc/security';
import { threatCommandControllers, threatCommandHandlers } from './threat-commands.js';
import {
  THREAT_VIEW_SETTINGS,
  threatViewControllers,
  threatViewProviders,
  type ThreatViewSettings,
} from './threat-views.js';

/** The SOC master list: threats, MoRiLE assessments, plans on a page, the LRO's view. */
@Module({})
export class ThreatsModule {
  static forRoot(settings: ThreatViewSettings): DynamicModule {
    return {
      module: ThreatsModule,
      controllers: [...threatCommandControllers, ...threatViewControllers],
      providers: [
        { provide: CLOCK, useValue: systemClock },
        { provide: THREAT_VIEW_SETTINGS, useValue: settings },
        RecordCommands,
        ...threatCommandHandlers,
        ...threatViewProviders,
      ],
    };
  }
}
