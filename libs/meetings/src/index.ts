export { MeetingsModule } from './meetings.module.js';
export { meetingsProjection } from './partner-actions-projection/meetings.projection.js';
