import { ApplicationFailure } from '@temporalio/common';
import { FailureType } from '../domain/failure-types';

/** A configuration or deployment problem: fails the activity for good, naming what to fix. */
export function configError(message: string): ApplicationFailure {
  return ApplicationFailure.nonRetryable(message, FailureType.config);
}

/** Malformed input: fails the activity for good (the same input would fail the same way). */
export function validationError(message: string): ApplicationFailure {
  return ApplicationFailure.nonRetryable(message, FailureType.validation);
}
