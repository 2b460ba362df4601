/**
 * Who is calling, as far as the HTTP conventions care; the authentication guard sets it on the
 * request before later guards and interceptors run.
 */
export interface RequestPrincipal {
  readonly personId: string;
  readonly organisationId: string;
}

export interface RequestWithPrincipal {
  principal?: Partial<RequestPrincipal>;
}

/** `person@organisation`, or undefined for an unauthenticated request. */
export function principalKey(request: RequestWithPrincipal): string | undefined {
  const principal = request.principal;
  if (!principal?.personId) return undefined;
  return `${principal.personId}@${principal.organisationId}`;
}
