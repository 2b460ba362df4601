import { type DynamicModule, Module } from '@nestjs/common';
import { CLOCK, systemClock } from '@soc/platform';
import { ThreatCommands } from './threat/threat.commands.js';
import { ThreatsController } from './threat/threats.controller.js';
import {
  THREAT_VIEW_SETTINGS,
  type ThreatViewSettings,
} from './threat-views/threat-view-settings.js';
import { ThreatViewsController } from './threat-views/threat-views.controller.js';
import { threatViewProviders } from './threat-views/threat-view-providers.js';

/** The SOC master list: threats, MoRiLE assessments, plans on a page, the LRO's view. */
@Module({})
export class ThreatsModule {
  static forRoot(settings: ThreatViewSettings): DynamicModule {
    return {
      module: ThreatsModule,
      controllers: [ThreatsController, ThreatViewsController],
      providers: [
        { provide: CLOCK, useValue: systemClock },
        { provide: THREAT_VIEW_SETTINGS, useValue: settings },
        ThreatCommands,
        ...threatViewProviders,
      ],
    };
  }
}
