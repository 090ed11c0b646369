/**
 * What the bridge and the SFTP server need to know about a user's live access to a server, without importing the
 * panel: the panel passes an implementation backed by its database.
 */
export interface LiveAccess {
  readonly userUuid: string;
  readonly serverUuid: string;
  readonly isOwner: boolean;
  readonly isAdmin: boolean;
  /** Effective grants: `["*"]` for owner/admin, else stored keys plus `websocket.connect`. */
  readonly permissions: readonly string[];
  /**
   * The user's credential generation (bumped by a password change or suspension). A socket authenticated under an
   * older value is closed at the next revocation, and a token minted under an older value is refused.
   */
  readonly credentialEpoch?: number;
  /**
   * Set when a two-factor policy bars the user from this server until they enrol (DESIGN §22): the socket is refused
   * (or closed) and SFTP login fails, with this text.
   */
  readonly refusal?: string;
  /**
   * Path globs a subuser's file keys are limited to (DESIGN §20, contracts/file-scope); absent = the whole tree.
   * Never set for owners and admins.
   */
  readonly fileScope?: readonly string[];
}

export interface AccessLookup {
  /** null when the user has no access any more (removed, suspended, server suspended for non-admins, unknown). */
  resolve(userUuid: string, serverUuid: string): Promise<LiveAccess | null>;
}
