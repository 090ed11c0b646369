/** The Pterodactyl error envelope (DESIGN §5) and the codes Cohost answers with. */
export interface ApiErrorItem {
  code: string;
  status: string;
  detail: string;
  meta?: { source_field?: string; rule?: string; [k: string]: unknown };
}
export interface ApiErrorBody {
  errors: ApiErrorItem[];
}

export const ERROR_CODES = {
  validation: 'ValidationException',
  unauthenticated: 'AuthenticationException',
  forbidden: 'AccessDeniedHttpException',
  notFound: 'NotFoundHttpException',
  conflict: 'ConflictHttpException',
  tooMany: 'TooManyRequestsHttpException',
  suspended: 'ServerStateConflictException',
  unexpected: 'InternalServerErrorException',
  payloadTooLarge: 'PayloadTooLargeHttpException',
  badRequest: 'BadRequestHttpException',
  /** A server's or an admin's two-factor policy and no TOTP or passkey on the account yet (DESIGN §22). */
  twoFactorRequired: 'TwoFactorRequired',
  unavailable: 'ServiceUnavailableHttpException',
} as const;
