export { ThreatsModule } from './threats.module.js';
export { threatsProjection, type ThreatViewSettings } from './threat-views.js';
// The commands, for tools that load history through the same handlers as the API.
export { RegisterThreat } from './register-threat/register-threat.command.js';
export {
  ChangeLro,
  ChangePhase,
  ChangeTier,
  CloseThreat,
} from './change-threat/change-threat.commands.js';
export {
  ModerateAssessment,
  RecordAssessment,
} from './record-assessment/record-assessment.commands.js';
export {
  ReviewPlan,
  SharePlan,
  UnsharePlan,
  UpdatePlan,
} from './update-plan/update-plan.commands.js';
export { AddPlanPerson, RemovePlanPerson } from './plan-people/plan-people.commands.js';
export {
  AgreeAction,
  CancelAction,
  CompleteAction,
  ProposeAction,
  RecordActionProgress,
  StartAction,
} from './plan-actions/plan-actions.commands.js';
