/**
 * ApplicationFailure types for errors that retrying cannot cure. Activities throw them
 * non-retryable (activities/failures.ts); every workflow's retry policy also lists them, so even
 * a failure raised elsewhere with one of these types ends at once instead of retrying forever.
 */
export const FailureType = {
  /** Something is missing or wrong in the configuration or the deployment (a venue not wired, no key). */
  config: 'ConfigError',
  /** The request itself is malformed: the same input fails the same way every time. */
  validation: 'ValidationError',
  /** The SDK's type for "Activity function X is not registered on this Worker" (a mis-deployment). */
  notRegistered: 'NotFoundError',
} as const;

/** Every type a workflow must not retry (the three above plus older, equally incurable ones). */
export const NON_RETRYABLE_ERROR_TYPES: string[] = [
  FailureType.config, FailureType.validation, FailureType.notRegistered,
  'InvalidAllocation', 'NoVenue', 'NotSupported',
];
