/** What a caller is told whatever went wrong: the reason is for the logs, never for the response. */
export const AUTHENTICATION_FAILED = 'Invalid or missing bearer token';

/**
 * A request's bearer token was missing or not acceptable. `message` never varies, so that a
 * response cannot tell an attacker which check failed; `reason` says which one, for the logs.
 */
export class AuthenticationError extends Error {
  override readonly name = 'AuthenticationError';

  constructor(
    readonly reason: string,
    options?: { cause?: unknown },
  ) {
    super(AUTHENTICATION_FAILED, options);
  }
}

/** The authentication settings are unusable, or the configured issuer could not be discovered. */
export class AuthenticationSettingsError extends Error {
  override readonly name = 'AuthenticationSettingsError';
}
