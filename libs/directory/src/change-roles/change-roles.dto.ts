import { RolesBody } from '../directory.dto.js';

export class ChangeRolesBody extends RolesBody {}
