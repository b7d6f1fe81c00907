export { StepDownError, isStepDownError, errorCodes } from './errors.js';
export type { StepDownErrorCode } from './errors.js';
