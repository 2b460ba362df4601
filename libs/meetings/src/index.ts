export { MeetingsModule } from './meetings.module.js';
