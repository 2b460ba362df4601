import { ChangeThreatController } from './change-threat/change-threat.controller.js';
import { changeThreatHandlers } from './change-threat/change-threat.commands.js';
import { PlanActionsController } from './plan-actions/plan-actions.controller.js';
import { planActionHandlers } from './plan-actions/plan-actions.commands.js';
import { PlanPeopleController } from './plan-people/plan-people.controller.js';
import { planPeopleHandlers } from './plan-people/plan-people.commands.js';
import { RecordAssessmentController } from './record-assessment/record-assessment.controller.js';
import { recordAssessmentHandlers } from './record-assessment/record-assessment.commands.js';
import { RegisterThreatController } from './register-threat/register-threat.controller.js';
import { RegisterThreatHandler } from './register-threat/register-threat.command.js';
import { UpdatePlanController } from './update-plan/update-plan.controller.js';
import { updatePlanHandlers } from './update-plan/update-plan.commands.js';

/** The write side: a route and a handler per use case. */
export const threatCommandControllers = [
  RegisterThreatController,
  ChangeThreatController,
  RecordAssessmentController,
  UpdatePlanController,
  PlanPeopleController,
  PlanActionsController,
];

export const threatCommandHandlers = [
  RegisterThreatHandler,
  ...changeThreatHandlers,
  ...recordAssessmentHandlers,
  ...updatePlanHandlers,
  ...planPeopleHandlers,
  ...planActionHandlers,
];
